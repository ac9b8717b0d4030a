/** The emitter's entry point: a resolved schema in, a map of output paths to file contents out. */
import type { SchemaModel } from "../model.js";
import { renderUnits, type CodeUnit } from "./render.js";
import { OutputCache, unitKey } from "./output-cache.js";
import { planFiles } from "./plan.js";

export interface EmitOptions {
  /** The schema folder as named in file headers, e.g. "schema". */
  readonly schemaLabel: string;
  /** Reuses unchanged files; default: memory only, for this call. */
  readonly cache?: OutputCache;
}

/** Every output file of `model`, sorted by path. Pure: the same model gives the same bytes. */
export async function emitSchema(model: SchemaModel, options: EmitOptions): Promise<Map<string, string>> {
  const cache = options.cache ?? new OutputCache(undefined);
  const units = planFiles(model, options.schemaLabel);
  const output = new Map<string, string>();
  const misses: { unit: CodeUnit; key: string }[] = [];
  for (const unit of units) {
    if (unit.kind === "text") {
      output.set(unit.path, unit.text);
      continue;
    }
    const key = unitKey(unit.kind, unit.input);
    const hit = cache.get(key);
    if (hit === undefined) misses.push({ unit, key });
    output.set(unit.path, hit ?? "");
  }
  if (misses.length > 0) {
    const formatted = await renderUnits(misses.map(({ unit }) => unit));
    misses.forEach(({ unit, key }, i) => {
      cache.set(key, formatted[i]!);
      output.set(unit.path, formatted[i]!);
    });
  }
  return output;
}
