/**
 * Printer thread of `renderUnits`. Started early (startPrinter), it loads ts-morph — which loads
 * the TypeScript compiler — while the main thread reads the schema and loads prettier; then, given
 * a job, it prints each unit and posts the text back at once, so that the main thread formats one
 * unit while this one prints the next. Once everything is printed it helps format, taking units
 * from the end of the list while the main thread takes them from the start; each unit is claimed
 * once, atomically, in the shared `claims` array.
 */
import { parentPort } from "node:worker_threads";
import { loadFormatter } from "./format.js";
import { printUnit } from "./print.js";
import type { CodeUnit } from "./render.js";

export interface PrinterJob {
  readonly units: readonly CodeUnit[];
  /** One slot per unit: 0 until the main thread or this one claims it. */
  readonly claims: Int32Array;
}

export interface PrinterMessage {
  readonly index: number;
  readonly text: string;
  /** True: `text` is formatted (this thread claimed the unit); false: printed only. */
  readonly formatted: boolean;
}

const post = (message: PrinterMessage): void => parentPort!.postMessage(message);

parentPort!.once("message", async ({ units, claims }: PrinterJob) => {
  const printed = units.map((unit, index) => {
    const text = printUnit(unit);
    post({ index, text, formatted: false });
    return text;
  });
  const format = await loadFormatter();
  for (let index = units.length - 1; index >= 0 && Atomics.compareExchange(claims, index, 0, 1) === 0; index--) {
    post({ index, text: await format(printed[index]!), formatted: true });
  }
});
