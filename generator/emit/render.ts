/**
 * Turns units into formatted TypeScript: ts-morph prints each unit's structure, prettier formats
 * it (format.ts).
 *
 * A large batch (a cold run) is rendered by two threads in a pipeline: a printer thread loads
 * ts-morph and prints unit after unit while this thread formats each one as it arrives, so
 * loading the TypeScript compiler and printing cost no time beside prettier's; then the printer
 * thread formats too, from the other end of the list. With at least four
 * cores the batch is instead split over worker threads that each print and format their share
 * (measured on two: prettier's allocation-heavy work does not scale there).
 */
import { on } from "node:events";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { loadFormatter } from "./format.js";
import type { FileUnit } from "./plan.js";
import type { PrinterJob, PrinterMessage } from "./print-worker.js";

export type CodeUnit = Exclude<FileUnit, { kind: "text" }>;

const WORKER_URL = new URL("./render-worker.js", import.meta.url);
const PRINTER_URL = new URL("./print-worker.js", import.meta.url);
const MIN_UNITS_PER_WORKER = 12;
/** Below this, starting a thread costs more than printing in this one. */
const MIN_UNITS_FOR_PRINTER = 8;
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
    if (units.length >= MIN_UNITS_FOR_PRINTER && existsSync(fileURLToPath(PRINTER_URL))) return renderPipelined(units);
    const texts: string[] = [];
    for (const unit of units) texts.push(await renderUnit(unit));
    return texts;
  }
  const shares = Array.from({ length: workers }, (_, w) => units.filter((_, i) => i % workers === w));
  const results = await Promise.all(shares.map(renderInWorker));
  return units.map((_, i) => results[i % workers]![Math.floor(i / workers)]!);
}

let sparePrinter: Worker | undefined;

/**
 * Starts the printer thread now, so that it loads ts-morph while this thread reads the schema: for
 * a run that will likely render much (a cold cache). It does not keep the process alive, and is
 * used by the next large renderUnits.
 */
export function startPrinter(): void {
  if (sparePrinter !== undefined || !existsSync(fileURLToPath(PRINTER_URL))) return;
  sparePrinter = new Worker(PRINTER_URL);
  sparePrinter.unref();
  sparePrinter.on("error", () => undefined); // reported by the run that uses it
}

/**
 * Formats, in this thread, each unit's text as the printer thread posts it, from the first unit
 * on; the printer thread formats from the last one on once it has printed them all.
 */
async function renderPipelined(units: readonly CodeUnit[]): Promise<string[]> {
  const claims = new Int32Array(new SharedArrayBuffer(4 * units.length));
  const printer = sparePrinter ?? new Worker(PRINTER_URL);
  sparePrinter = undefined;
  printer.ref();
  printer.postMessage({ units, claims } satisfies PrinterJob);
  const format = await loadFormatter();
  const texts: string[] = new Array<string>(units.length);
  let done = 0;
  try {
    // `on` rejects when the printer thread throws; printed texts arrive in unit order.
    for await (const [message] of on(printer, "message") as AsyncIterableIterator<[PrinterMessage]>) {
      if (message.formatted) texts[message.index] = message.text;
      else if (Atomics.compareExchange(claims, message.index, 0, 1) === 0) texts[message.index] = await format(message.text);
      else continue; // the printer thread claimed it: its formatted text follows
      if (++done === units.length) break;
    }
  } finally {
    await printer.terminate();
  }
  return texts;
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
