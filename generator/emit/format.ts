/**
 * Formats generated TypeScript with prettier and options fixed here, so a user's prettier
 * configuration never changes the output. Large batches are spread over worker threads.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Options } from "prettier";

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

const WORKER_URL = new URL("./format-worker.js", import.meta.url);
const MIN_TEXTS_PER_WORKER = 8;

/** Formats one text in this thread. */
export async function formatTypeScript(text: string): Promise<string> {
  const prettier = await import("prettier");
  return prettier.format(text, PRETTIER_OPTIONS);
}

/** Formats many texts, in worker threads when there are enough of them. */
export async function formatAll(texts: readonly string[]): Promise<string[]> {
  const workers = Math.min(availableParallelism(), Math.floor(texts.length / MIN_TEXTS_PER_WORKER));
  if (workers < 2 || !existsSync(fileURLToPath(WORKER_URL))) return Promise.all(texts.map(formatTypeScript));
  const chunks = Array.from({ length: workers }, (_, w) => texts.filter((_, i) => i % workers === w));
  const results = await Promise.all(chunks.map(formatInWorker));
  return texts.map((_, i) => results[i % workers]![Math.floor(i / workers)]!);
}

function formatInWorker(texts: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { texts, options: PRETTIER_OPTIONS } });
    worker.once("message", (formatted: string[]) => resolve(formatted));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`formatter worker exited with code ${code}`));
    });
  });
}
