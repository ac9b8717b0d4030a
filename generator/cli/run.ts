/** `beeorm-gen` as a function of its arguments, so tests can run it in-process. */
import { OutputCache } from "../emit/output-cache.js";
import { parseArgs, USAGE, UsageError, type CliOptions } from "./args.js";
import { defaultCacheDir, generate } from "./generate.js";

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

/** Runs the CLI and resolves to its exit code (0 ok, 1 schema errors or stale, 2 usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === "migrate") return migrateCli(argv.slice(1), io);
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    return usageFailure(error, io);
  }
  if (options.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    // Loaded on demand: a plain generate needs neither chokidar nor (for migrate) mysql2.
    if (options.watch) return await (await import("./watch.js")).watchSchema(options, io);
    return await generateOnce(options, io);
  } catch (error) {
    return usageFailure(error, io);
  }
}

async function generateOnce(options: CliOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const cacheDir = options.cache ? defaultCacheDir(io.cwd) : undefined;
  const cache = new OutputCache(cacheDir, options.check);
  const outcome = await generate({ schemaDir: options.schemaDir, outDir: options.outDir, cwd: io.cwd, dryRun: options.check, cache });
  if (!outcome.ok) {
    io.err(outcome.diagnostics);
    return 1;
  }
  if (outcome.warnings !== "" && !options.quiet) io.err(outcome.warnings);
  const { changed, stale } = outcome.diff;
  if (options.check) {
    if (changed.length === 0 && stale.length === 0) {
      if (!options.quiet) io.out(`${options.outDir} is up to date (${outcome.files.size} files)\n`);
      return 0;
    }
    const lines = [...changed.map((p) => `  ${p} (out of date)`), ...stale.map((p) => `  ${p} (no longer generated)`)];
    io.err(`${options.outDir} is stale; run beeorm-gen to update:\n${lines.join("\n")}\n`);
    return 1;
  }
  if (!options.quiet) {
    const ms = Math.round(performance.now() - started);
    io.out(`generated ${outcome.files.size} files into ${options.outDir} (${changed.length} written, ${stale.length} removed) in ${ms} ms\n`);
  }
  return 0;
}

async function migrateCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { MIGRATE_USAGE, parseMigrateArgs, runMigrate } = await import("./migrate.js");
  try {
    const options = parseMigrateArgs(argv);
    if (options === undefined) {
      io.out(`${MIGRATE_USAGE}\n`);
      return 0;
    }
    return await runMigrate(options, io);
  } catch (error) {
    if (!(error instanceof UsageError)) return usageFailure(error, io);
    io.err(`beeorm-gen migrate: ${error.message}\n\n${MIGRATE_USAGE}\n`);
    return 2;
  }
}

function usageFailure(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.err(`beeorm-gen: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`beeorm-gen: ${message}\n`);
  return 2;
}
