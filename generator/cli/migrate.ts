/**
 * `beeorm-gen migrate`: schema sync from the command line. Compiles the schema, compares it with
 * each MySQL pool's database, prints the statements (a runnable SQL script, each statement marked
 * safe or unsafe), and with `--apply` runs the safe ones (`--unsafe`: all; `--drop-foreign`: also
 * the drops of foreign keys and foreign tables), printing each as it runs.
 */
import { MysqlPool } from "../../runtime/mysql-pool.js";
import { QueryLog } from "../../runtime/query-log.js";
import { resolvePoolUrl } from "../../runtime/schema-descriptor.js";
import { applyAlters, getAlters, type Alter } from "../../runtime/schema-sync/alters.js";
import { expectedTables } from "../../runtime/schema-sync/expected.js";
import { compileSchema, renderDiagnostics } from "../compile.js";
import { tableOwners } from "../emit/table-ddl.js";
import type { UrlValue } from "../model.js";
import { UsageError } from "./args.js";
import { readSchemaSources } from "./generate.js";
import type { CliIo } from "./run.js";

export interface MigrateOptions {
  readonly schemaDir: string;
  readonly apply: boolean;
  readonly unsafe: boolean;
  readonly dropForeign: boolean;
  /** `--mysql POOL=URL`: replaces the schema's URL (and its environment variable) for a pool. */
  readonly urls: Readonly<Record<string, string>>;
}

export const MIGRATE_USAGE = `Usage: beeorm-gen migrate [SCHEMA_DIR] [options]

Compares the schema in SCHEMA_DIR (default: schema) with each MySQL pool's database and prints
the CREATE TABLE / ALTER TABLE statements that make the database match, each marked safe or
UNSAFE (may lose data). Foreign keys and tables no entity owns are reported, never dropped
unless asked. Pools connect to the URLs of the schema (or their env() variables).

Options:
  --apply            run the safe statements, printing each
  --unsafe           with --apply, also run the unsafe ones
  --drop-foreign     with --apply, also drop the reported foreign keys and foreign tables
  --mysql POOL=URL   connect pool POOL to URL instead
  -h, --help         show this help

Exit codes: 0 ok, 1 schema errors or a database error, 2 usage errors.`;

/** Parses the arguments after `migrate`; undefined for --help. */
export function parseMigrateArgs(argv: readonly string[]): MigrateOptions | undefined {
  let schemaDir: string | undefined;
  const flags = { apply: false, unsafe: false, dropForeign: false };
  const urls: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--apply") flags.apply = true;
    else if (arg === "--unsafe") flags.unsafe = true;
    else if (arg === "--drop-foreign") flags.dropForeign = true;
    else if (arg === "--help" || arg === "-h") return undefined;
    else if (arg === "--mysql" || arg.startsWith("--mysql=")) {
      const value = arg === "--mysql" ? argv[++i] : arg.slice("--mysql=".length);
      const match = value === undefined ? null : /^([A-Za-z_][\w-]*)=(.+)$/.exec(value);
      if (match === null) throw new UsageError("--mysql needs POOL=URL, e.g. --mysql default=mysql://root@127.0.0.1:3306/shop");
      urls[match[1]!] = match[2]!;
    } else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else if (schemaDir === undefined) schemaDir = arg;
    else throw new UsageError(`unexpected argument ${arg} (one schema folder only)`);
  }
  if (!flags.apply && (flags.unsafe || flags.dropForeign)) throw new UsageError(`${flags.unsafe ? "--unsafe" : "--drop-foreign"} needs --apply`);
  return { schemaDir: schemaDir ?? "schema", urls, ...flags };
}

/** Runs `beeorm-gen migrate` and resolves to its exit code. */
export async function runMigrate(options: MigrateOptions, io: CliIo): Promise<number> {
  const sources = readSchemaSources(options.schemaDir, io.cwd);
  if (sources.length === 0) {
    io.err(`error: no .bee files in ${options.schemaDir}\n`);
    return 1;
  }
  const { model, diagnostics } = compileSchema(sources);
  if (model === undefined) {
    io.err(`${renderDiagnostics(diagnostics, sources)}\n`);
    return 1;
  }
  for (const pool of Object.keys(options.urls)) {
    if (!model.mysqlPools.some((p) => p.name === pool)) throw new UsageError(`--mysql ${pool}=…: the schema has no MySQL pool "${pool}"`);
  }
  const expected = expectedTables(tableOwners(model));
  const log = new QueryLog();
  const pools = new Map<string, MysqlPool>();
  const poolOf = (name: string): MysqlPool => {
    let pool = pools.get(name);
    if (pool === undefined) {
      const declared = model.mysqlPools.find((p) => p.name === name)!;
      pool = new MysqlPool(name, options.urls[name] ?? resolvePoolUrl("mysql", name, poolUrl(declared.url)), log);
      pools.set(name, pool);
    }
    return pool;
  };
  try {
    const alters = await getAlters(poolOf, expected);
    if (alters.length === 0) {
      io.out(`-- the database matches the schema (MySQL pools: ${[...expected.keys()].join(", ")})\n`);
      return 0;
    }
    if (!options.apply) {
      io.out(`${alters.map(describe).join("\n\n")}\n\n-- ${summary(alters)}; run with --apply to apply the safe ones\n`);
      return 0;
    }
    const applied = new Set(await applyAlters(poolOf, alters, { ...options, onStatement: (alter) => io.out(`${describe(alter)}\n\n`) }));
    const skipped = alters.filter((a) => !applied.has(a));
    if (skipped.length > 0) io.out(`-- skipped, not applied:\n\n${skipped.map(describe).join("\n\n")}\n\n`);
    io.out(`-- applied ${applied.size} statement${applied.size === 1 ? "" : "s"}${skipped.length > 0 ? `, skipped ${skipped.length} (${skipHint(skipped)})` : ""}\n`);
    return 0;
  } catch (error) {
    io.err(`beeorm-gen migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
}

/** One statement with a comment line saying what it does and whether it is safe. */
function describe(alter: Alter): string {
  const mark = alter.kind === "foreign-key" || alter.kind === "foreign-table" ? `${alter.kind}, dropped only with --drop-foreign` : alter.safe ? "safe" : "UNSAFE, may lose data";
  return `-- ${alter.pool}.${alter.table}: ${mark}\n${alter.changes.map((change) => `--   ${change}\n`).join("")}${alter.sql};`;
}

function summary(alters: readonly Alter[]): string {
  const count = (kind: (a: Alter) => boolean): number => alters.filter(kind).length;
  const foreign = count((a) => a.kind === "foreign-key" || a.kind === "foreign-table");
  const unsafe = count((a) => !a.safe) - foreign;
  return `${alters.length} statement${alters.length === 1 ? "" : "s"}: ${alters.length - unsafe - foreign} safe, ${unsafe} unsafe, ${foreign} foreign`;
}

function skipHint(skipped: readonly Alter[]): string {
  const hints = new Set(skipped.map((a) => (a.kind === "foreign-key" || a.kind === "foreign-table" ? "--drop-foreign drops foreign ones" : "--unsafe applies unsafe ones")));
  return [...hints].join("; ");
}

function poolUrl(url: UrlValue): { env?: string; url?: string } {
  if (url.kind === "literal") return { url: url.value };
  return url.fallback === undefined ? { env: url.name } : { env: url.name, url: url.fallback };
}
