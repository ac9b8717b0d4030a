/**
 * Formatted output by content hash: a file whose inputs are unchanged is neither rebuilt nor
 * reformatted. Entries live in memory and, when a folder is given, on disk.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { RUNTIME_API } from "../../runtime/schema-descriptor.js";

export class OutputCache {
  private readonly memory = new Map<string, string>();

  /** `dir`: where entries persist between runs (undefined = memory only); `readOnly`: never write `dir`. */
  constructor(
    private readonly dir: string | undefined,
    private readonly readOnly = false,
  ) {}

  /** The cached text for `key`, if any. */
  get(key: string): string | undefined {
    const hit = this.memory.get(key);
    if (hit !== undefined || this.dir === undefined) return hit;
    try {
      const text = readFileSync(join(this.dir, key), "utf8");
      this.memory.set(key, text);
      return text;
    } catch {
      return undefined;
    }
  }

  /** Stores `text` under `key`; a disk failure only costs the next run some time. */
  set(key: string, text: string): void {
    this.memory.set(key, text);
    if (this.dir === undefined || this.readOnly) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(join(this.dir, key), text);
    } catch {
      // An unwritable cache folder is not an error: generation still succeeds.
    }
  }
}

let fingerprint: string | undefined;

/** Identifies this generator build and its formatter: part of every cache key. */
export function generatorFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = createHash("sha256");
  const here = dirname(fileURLToPath(import.meta.url));
  for (const name of readdirSync(here).sort()) {
    if (/\.(js|ts)$/.test(name) && !name.endsWith(".d.ts")) hash.update(name).update(readFileSync(join(here, name)));
  }
  const prettierPackage = createRequire(import.meta.url).resolve("prettier/package.json");
  hash.update(readFileSync(prettierPackage));
  hash.update(`runtime API ${RUNTIME_API}`); // written into index.ts
  fingerprint = hash.digest("hex").slice(0, 16);
  return fingerprint;
}

/** The cache key of a unit: generator fingerprint + kind + inputs. */
export function unitKey(kind: string, input: unknown): string {
  return createHash("sha256").update(generatorFingerprint()).update(kind).update(JSON.stringify(input)).digest("hex");
}
