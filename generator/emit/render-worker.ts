/** Worker thread body of `renderUnits`: prints and formats its share of the units and posts them back. */
import { parentPort, workerData } from "node:worker_threads";
import * as prettier from "prettier";
import { printUnit } from "./print.js";
import type { CodeUnit } from "./render.js";

const { units, options } = workerData as { units: CodeUnit[]; options: prettier.Options };
const texts: string[] = [];
for (const unit of units) texts.push(await prettier.format(printUnit(unit), options));
parentPort!.postMessage(texts);
