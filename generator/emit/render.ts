/**
 * Turns units into formatted TypeScript: ts-morph prints each unit's structure, prettier formats
 * it with the options fixed here (a user's prettier configuration never changes the output).
 * Large batches are split over worker threads when the machine has at least four cores (measured
 * on two: prettier's allocation-heavy work does not scale there, and one thread is fastest).
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Options } from "prettier";
import type { FileUnit } from "./plan.js";

export type CodeUnit = Exclude<FileUnit, { kind: "text" }>;

/** The only prettier options generated code is formatted with. */
export const PRETTIER_OPTIONS: Options = {
  parser: "babel-ts",
  printWidth: 100,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  quoteProps: "as-needed",
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  endOfLine: "lf",
  proseWrap: "preserve",
};

const WORKER_URL = new URL("./render-worker.js", import.meta.url);
const MIN_UNITS_PER_WORKER = 12;
const MIN_CORES_FOR_WORKERS = 4;

/** Prints and formats one unit in this thread. */
export async function renderUnit(unit: CodeUnit): Promise<string> {
  const [{ printUnit }, prettier] = await Promise.all([import("./print.js"), import("prettier")]);
  return prettier.format(printUnit(unit), PRETTIER_OPTIONS);
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
    const worker = new Worker(WORKER_URL, { workerData: { units, options: PRETTIER_OPTIONS } });
    worker.once("message", (texts: string[]) => resolve(texts));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`render worker exited with code ${code}`));
    });
  });
}
