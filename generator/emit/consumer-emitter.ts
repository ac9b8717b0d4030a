/**
 * `consumer.ts`: the async-flush consumer a user deploys. A few lines that hand the command line
 * to the runtime's `runConsumerMain` with the schema's `createEngine`, under a TSDoc block that
 * says how to run it, which queues it serves and which environment variables name its pools.
 */
import type { OptionalKind, SourceFileStructure, StatementStructures } from "ts-morph";
import { StructureKind } from "./kinds.js";
import type { MysqlPoolModel, RedisPoolModel } from "../model.js";
import { fileHeader } from "./structure-helpers.js";

/** One async-flush queue of the schema and the entities whose events it carries. */
export interface ConsumerQueue {
  readonly name: string;
  readonly entities: readonly string[];
}

/** What `consumer.ts` is built from (also its output-cache key). */
export interface ConsumerFileInput {
  /** Sorted by name; entities sorted too. */
  readonly queues: readonly ConsumerQueue[];
  readonly mysqlPools: readonly MysqlPoolModel[];
  readonly redisPools: readonly RedisPoolModel[];
  readonly header: string;
}

/** Builds the structure of `consumer.ts`. */
export function consumerFileStructure(input: ConsumerFileInput): OptionalKind<SourceFileStructure> {
  const statements: (string | StatementStructures)[] = [
    fileHeader(input.header),
    usageDoc(input),
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: "beeorm/runtime", namedImports: ["runConsumerMain"] },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: "./index.js", namedImports: ["createEngine"] },
    "await runConsumerMain(createEngine);",
  ];
  return { statements };
}

function usageDoc(input: ConsumerFileInput): string {
  // The example queue: an @asyncQueue one reads best (the others are named after MySQL pools).
  const pools = new Set(input.mysqlPools.map((p) => p.name));
  const queue = (input.queues.find((q) => !pools.has(q.name)) ?? input.queues[0])?.name ?? "default";
  const queues = input.queues.flatMap((q) => wrap(`- ${q.name}: ${q.entities.join(", ")}`).map((line, i) => (i === 0 ? line : `  ${line}`)));
  const envs = [...input.mysqlPools, ...input.redisPools].flatMap((p) => (p.url.kind === "env" ? [p.url.name] : []));
  const connections =
    envs.length === 0 ? ["Connections: the URLs of the schema's pools."] : wrap(`Connections: ${envs.join(", ")} (when unset: the schema's URLs).`);
  const lines = [
    "The async-flush consumer of this schema: applies the SQL that `orm.flushAsync()` queued in Redis",
    "to MySQL, in batches, exactly once, surviving MySQL and Redis outages by waiting and retrying.",
    "Run one or more per deployment: each queue partition is applied by one process at a time.",
    "",
    "Compile it with your application and run `node generated/consumer.js`, or run the source with",
    "`npx tsx generated/consumer.ts`:",
    "",
    "```sh",
    "node generated/consumer.js                      # apply events as they come, until SIGINT / SIGTERM",
    "node generated/consumer.js --drain              # apply what is queued, then exit",
    "node generated/consumer.js --workers 4 --batch 500",
    "node generated/consumer.js status               # pending events, lag and dead letters per queue",
    `node generated/consumer.js peek ${queue}`.padEnd(48) + "# the oldest pending events",
    `node generated/consumer.js dead ${queue}`.padEnd(48) + "# events that failed, with their errors",
    `node generated/consumer.js retry ${queue} --all`.padEnd(48) + "# after fixing the cause: apply them again",
    `node generated/consumer.js discard ${queue} ID`.padEnd(48) + "# drop one for good",
    "node generated/consumer.js --help",
    "```",
    "",
    "Queues (an entity's `@asyncQueue`, else its MySQL pool):",
    ...queues,
    "",
    ...connections,
    "",
    "SIGINT / SIGTERM finish (or roll back) the current batch, release the leases and exit 0. A",
    "progress line (events/s, pending events, lag) is printed every 5 seconds, and one per outage.",
  ];
  return `/**\n${lines.map((line) => (line === "" ? " *" : ` * ${line}`)).join("\n")}\n */`;
}

/** Splits a long comment line at spaces. */
function wrap(text: string, width = 96): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}
