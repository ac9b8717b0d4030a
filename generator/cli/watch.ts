/**
 * `beeorm-gen --watch`: regenerate on every change of a `.bee` file. On schema errors the
 * diagnostics are printed and the last good output stays in place.
 */
import { resolve, sep } from "node:path";
import { watch } from "chokidar";
import { loadFormatter } from "../emit/format.js";
import { OutputCache } from "../emit/output-cache.js";
import type { CliOptions } from "./args.js";
import { defaultCacheDir, generate } from "./generate.js";
import type { CliIo } from "./run.js";

const DEBOUNCE_MS = 20;

/** Watches until SIGINT/SIGTERM (or `io.signal`) and resolves to exit code 0. */
export async function watchSchema(options: CliOptions, io: CliIo & { readonly signal?: AbortSignal }): Promise<number> {
  const cache = new OutputCache(options.cache ? defaultCacheDir(io.cwd) : undefined);
  const outDir = resolve(io.cwd, options.outDir);
  let running: Promise<void> | undefined;
  let pending = false;
  let timer: NodeJS.Timeout | undefined;

  const regenerate = async (): Promise<void> => {
    const started = performance.now();
    try {
      const outcome = await generate({ schemaDir: options.schemaDir, outDir: options.outDir, cwd: io.cwd, dryRun: false, cache });
      if (!outcome.ok) {
        io.err(`${outcome.diagnostics}kept the last good output in ${options.outDir}\n`);
        return;
      }
      if (outcome.warnings !== "" && !options.quiet) io.err(outcome.warnings);
      if (!options.quiet && outcome.diff.changed.length + outcome.diff.stale.length > 0) {
        const touched = [...outcome.diff.changed, ...outcome.diff.stale];
        io.out(`regenerated ${touched.join(", ")} in ${Math.round(performance.now() - started)} ms\n`);
      }
    } catch (error) {
      io.err(`beeorm-gen: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) {
        pending = true;
        return;
      }
      running = regenerate().finally(() => {
        running = undefined;
        if (pending) {
          pending = false;
          schedule();
        }
      });
    }, DEBOUNCE_MS);
  };

  await regenerate();
  // Later edits render in this thread: load the printer and the formatter now, not on the first edit.
  await Promise.all([import("../emit/print.js"), loadFormatter()]);
  const insideOut = (path: string): boolean => {
    const absolute = resolve(io.cwd, path);
    return absolute === outDir || absolute.startsWith(outDir + sep);
  };
  const watcher = watch(resolve(io.cwd, options.schemaDir), {
    ignoreInitial: true,
    ignored: (path, stats) => insideOut(path) || (stats?.isFile() === true && !path.endsWith(".bee")),
  });
  watcher.on("all", (_event, path) => {
    if (path.endsWith(".bee")) schedule();
  });
  // chokidar drops a second change of one file within 50 ms; the raw events do not.
  watcher.on("raw", (_event, path) => {
    if (typeof path === "string" && path.endsWith(".bee")) schedule();
  });
  // Keeps the process alive even when nothing in the folder is watched yet.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((ready) => watcher.once("ready", () => ready()));
  if (!options.quiet) io.out(`watching ${options.schemaDir} for changes (Ctrl-C to stop)\n`);

  await new Promise<void>((stop) => {
    const onSignal = (): void => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      stop();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    if (io.signal?.aborted) onSignal();
    io.signal?.addEventListener("abort", onSignal, { once: true });
  });
  clearTimeout(timer);
  clearInterval(keepAlive);
  await watcher.close();
  await running;
  return 0;
}
