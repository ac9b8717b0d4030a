/** Command-line parsing of `beeorm-gen`. */

export interface CliOptions {
  readonly schemaDir: string;
  readonly outDir: string;
  readonly watch: boolean;
  readonly check: boolean;
  readonly quiet: boolean;
  readonly cache: boolean;
  readonly help: boolean;
}

/** A bad command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `Usage: beeorm-gen [SCHEMA_DIR] [options]
       beeorm-gen migrate [SCHEMA_DIR] [--apply] [--unsafe] [--drop-foreign]   (see: beeorm-gen migrate --help)

Compiles the .bee files in SCHEMA_DIR (default: schema) into TypeScript and SQL.

Options:
  --out DIR     output folder (default: generated)
  --check       generate in memory and exit 1 if DIR is stale; writes nothing
  --watch       regenerate whenever a .bee file changes (Ctrl-C to stop)
  --quiet       print only errors
  --no-cache    do not reuse formatted output from earlier runs
  -h, --help    show this help

Exit codes: 0 ok, 1 schema errors or stale output (--check), 2 usage errors.`;

/** Parses `argv` (without node and the script path). */
export function parseArgs(argv: readonly string[]): CliOptions {
  let schemaDir: string | undefined;
  let outDir = "generated";
  const flags = { watch: false, check: false, quiet: false, cache: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--out" || arg.startsWith("--out=")) {
      const value = arg === "--out" ? argv[++i] : arg.slice("--out=".length);
      if (value === undefined || value === "") throw new UsageError("--out needs a folder");
      outDir = value;
    } else if (arg === "--watch") flags.watch = true;
    else if (arg === "--check") flags.check = true;
    else if (arg === "--quiet" || arg === "-q") flags.quiet = true;
    else if (arg === "--no-cache") flags.cache = false;
    else if (arg === "--help" || arg === "-h") flags.help = true;
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else if (schemaDir === undefined) schemaDir = arg;
    else throw new UsageError(`unexpected argument ${arg} (one schema folder only)`);
  }
  if (flags.watch && flags.check) throw new UsageError("--watch and --check cannot be combined");
  return { schemaDir: schemaDir ?? "schema", outDir, ...flags };
}
