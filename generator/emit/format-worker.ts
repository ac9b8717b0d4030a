/** Worker thread body of `formatAll`: formats its share of the texts and posts them back. */
import { parentPort, workerData } from "node:worker_threads";
import * as prettier from "prettier";

const { texts, options } = workerData as { texts: string[]; options: prettier.Options };
const formatted: string[] = [];
for (const text of texts) formatted.push(await prettier.format(text, options));
parentPort!.postMessage(formatted);
