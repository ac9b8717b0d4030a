/**
 * Turns units into formatted TypeScript: structure-printer.ts prints each unit's structure,
 * prettier formats it (format.ts). With at least four cores a large batch is split over worker
 * threads that each print and format their share. On two, prettier gets no faster in two threads
 * (its allocation-heavy work and the garbage collector's own threads already keep the second core
 * busy), so one thread does it all.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { loadFormatter } from "./format.js";
import type { FileUnit } from "./plan.js";

export type CodeUnit = Exclude<FileUnit, { kind: "text" }>;

const WORKER_URL = new URL("./render-worker.js", import.meta.url);
const MIN_UNITS_PER_WORKER = 12;
const MIN_CORES_FOR_WORKERS = 4;

/** Prints and formats one unit in this thread. */
export async function renderUnit(unit: CodeUnit): Promise<string> {
  const [{ printUnit }, format] = await Promise.all([import("./print.js"), loadFormatter()]);
  return format(printUnit(unit));
}

/** Renders many units, in worker threads when there are enough of them. */
export async function renderUnits(units: readonly CodeUnit[]): Promise<string[]> {
  const cores = availableParallelism();
  const workers = cores < MIN_CORES_FOR_WORKERS ? 1 : Math.min(cores, Math.floor(units.length / MIN_UNITS_PER_WORKER));
  if (workers < 2 || !existsSync(fileURLToPath(WORKER_URL))) {
    const texts: string[] = [];
    for (const unit of units) texts.push(await renderUnit(unit));
    return texts;
  }
  const shares = Array.from({ length: workers }, (_, w) => units.filter((_, i) => i % workers === w));
  const results = await Promise.all(shares.map(renderInWorker));
  return units.map((_, i) => results[i % workers]![Math.floor(i / workers)]!);
}

function renderInWorker(units: readonly CodeUnit[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { units } });
    worker.once("message", (texts: string[]) => resolve(texts));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`render worker exited with code ${code}`));
    });
  });
}
