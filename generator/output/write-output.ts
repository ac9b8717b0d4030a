/** Writes a generated file map into the output folder, touching only files whose content changed. */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HEADER_PREFIX } from "../emit/plan.js";

export interface OutputDiff {
  /** Files to create or rewrite. */
  readonly changed: readonly string[];
  /** Generated files of an earlier run that the schema no longer produces. */
  readonly stale: readonly string[];
}

/** Compares `files` with the folder's content without writing anything. */
export function diffOutput(outDir: string, files: ReadonlyMap<string, string>): OutputDiff {
  const changed = [...files].filter(([path, text]) => readOrUndefined(join(outDir, path)) !== text).map(([path]) => path);
  const stale = listGenerated(outDir).filter((path) => !files.has(path));
  return { changed, stale };
}

/** Writes the changed files and deletes stale generated ones; returns what it did. */
export function writeOutput(outDir: string, files: ReadonlyMap<string, string>): OutputDiff {
  const diff = diffOutput(outDir, files);
  mkdirSync(outDir, { recursive: true });
  for (const path of diff.changed) writeFileSync(join(outDir, path), files.get(path)!);
  for (const path of diff.stale) rmSync(join(outDir, path));
  return diff;
}

/** Files in `outDir` (top level) that beeorm-gen wrote, recognised by their header. */
function listGenerated(outDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return [];
  }
  return names
    .filter((name) => /\.(ts|sql)$/.test(name))
    .filter((name) => (readOrUndefined(join(outDir, name)) ?? "").slice(0, 200).includes(HEADER_PREFIX))
    .sort();
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
