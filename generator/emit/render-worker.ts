/** Worker thread body of `renderUnits`: prints and formats its share of the units and posts them back. */
import { parentPort, workerData } from "node:worker_threads";
import { loadFormatter } from "./format.js";
import { printUnit } from "./print.js";
import type { CodeUnit } from "./render.js";

const { units } = workerData as { units: CodeUnit[] };
const format = await loadFormatter();
const texts: string[] = [];
for (const unit of units) texts.push(await format(printUnit(unit)));
parentPort!.postMessage(texts);
