/** The command line of the generated `consumer.ts`: what a person may type, parsed and checked. */

/** What the command line asks for. `id: undefined` in retry / discard means every dead letter. */
export type ConsumerCommand =
  | { readonly kind: "help" }
  | { readonly kind: "consume"; readonly drain: boolean; readonly workers: number | undefined; readonly batchSize: number | undefined }
  | { readonly kind: "status" }
  | { readonly kind: "peek" | "dead"; readonly queue: string | undefined; readonly limit: number | undefined }
  | { readonly kind: "retry" | "discard"; readonly queue: string; readonly id: string | undefined };

/** A command line that does not parse; the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The usage text (`--help`). `program` is how the entry point was started. */
export function usage(program: string): string {
  return `Usage:
  ${program} [--drain] [--workers N] [--batch N]   apply queued FlushAsync events to MySQL
  ${program} status                                  queues: pending events, lag, dead letters
  ${program} peek [QUEUE] [--limit N]                the oldest pending events (default 20)
  ${program} dead [QUEUE] [--limit N]                dead letters with their errors (default 100)
  ${program} retry QUEUE (ID | --all)                put dead letters back at the end of their queue
  ${program} discard QUEUE (ID | --all)              delete dead letters

Consumer options:
  --drain        apply what is queued, then exit (default: keep waiting for new events)
  --workers N    partitions applied in parallel (default 11; 16, a queue's partitions, drains backlogs faster)
  --batch N      events per MySQL transaction (default 1000)

QUEUE is an @asyncQueue name or a MySQL pool name (see \`status\`); NAME@REDISPOOL picks one Redis
pool when a queue lives in several. SIGINT / SIGTERM stop the consumer after its current batch.
Exit codes: 0 ok, 1 failure, 2 usage error.`;
}

const SUBCOMMANDS = new Set(["status", "peek", "dead", "retry", "discard"]);

/** Parses `argv` (without node and the script). Throws UsageError. */
export function parseConsumerArgs(argv: readonly string[]): ConsumerCommand {
  if (argv.includes("--help") || argv.includes("-h") || argv[0] === "help") return { kind: "help" };
  const first = argv[0];
  const sub = first !== undefined && SUBCOMMANDS.has(first) ? first : undefined;
  const { positional, flags } = split(sub === undefined ? argv : argv.slice(1));
  switch (sub) {
    case undefined: {
      if (positional.length > 0) throw new UsageError(`unknown command "${positional[0]}"`);
      allow(flags, ["--drain", "--workers", "--batch"]);
      return { kind: "consume", drain: flag(flags, "--drain"), workers: count(flags, "--workers"), batchSize: count(flags, "--batch") };
    }
    case "status":
      allow(flags, []);
      atMost(positional, 0, sub);
      return { kind: "status" };
    case "peek":
    case "dead":
      allow(flags, ["--limit"]);
      atMost(positional, 1, sub);
      return { kind: sub, queue: positional[0], limit: count(flags, "--limit") };
    default: {
      allow(flags, ["--all"]);
      atMost(positional, 2, sub);
      const queue = positional[0];
      if (queue === undefined) throw new UsageError(`${sub} needs a queue: ${sub} QUEUE (ID | --all)`);
      const id = positional[1];
      const all = flag(flags, "--all");
      if ((id === undefined) === !all) throw new UsageError(`${sub} needs either a dead-letter ID or --all`);
      return { kind: sub as "retry" | "discard", queue, id };
    }
  }
}

type Flags = Map<string, string | true>;

const VALUED = new Set(["--workers", "--batch", "--limit"]);

function split(args: readonly string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Flags = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (flags.has(name)) throw new UsageError(`${name} given twice`);
    if (!VALUED.has(name)) {
      if (eq >= 0) throw new UsageError(`${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }
  return { positional, flags };
}

function allow(flags: Flags, known: readonly string[]): void {
  for (const name of flags.keys()) if (!known.includes(name)) throw new UsageError(`unknown option ${name}`);
}

function atMost(positional: readonly string[], max: number, command: string): void {
  if (positional.length > max) throw new UsageError(`unexpected argument "${positional[max]}" after ${command}`);
}

function flag(flags: Flags, name: string): boolean {
  return flags.get(name) === true;
}

function count(flags: Flags, name: string): number | undefined {
  const value = flags.get(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${name} needs a positive whole number, not "${String(value)}"`);
  }
  return n;
}
