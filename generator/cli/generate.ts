/** One generation: read the schema folder, compile, emit, then write or compare the output. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { compileSchema, renderDiagnostics, type SchemaSource } from "../compile.js";
import { emitSchema } from "../emit/emit-schema.js";
import { OutputCache } from "../emit/output-cache.js";
import { diffOutput, writeOutput, type OutputDiff } from "../output/write-output.js";
import { UsageError } from "./args.js";

export type GenerateOutcome =
  | { readonly ok: false; readonly diagnostics: string }
  | { readonly ok: true; readonly files: ReadonlyMap<string, string>; readonly diff: OutputDiff; readonly warnings: string };

export interface GenerateRequest {
  /** Absolute, or relative to `cwd`. */
  readonly schemaDir: string;
  /** Absolute, or relative to `cwd`. */
  readonly outDir: string;
  readonly cwd: string;
  /** Compare only: write nothing (`--check`). */
  readonly dryRun: boolean;
  readonly cache: OutputCache;
}

/** Reads every `.bee` file of the folder, sorted by name; paths are shown as the user gave the folder. */
export function readSchemaSources(schemaDir: string, cwd: string): SchemaSource[] {
  const folder = resolve(cwd, schemaDir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new UsageError(`schema folder ${schemaDir} does not exist`);
  }
  return readdirSync(folder)
    .filter((name) => name.endsWith(".bee"))
    .sort()
    .map((name) => ({ path: join(schemaDir, name), name, text: readFileSync(join(folder, name), "utf8") }));
}

/** Runs one generation. Nothing is written when the schema has errors or in a dry run. */
export async function generate(request: GenerateRequest): Promise<GenerateOutcome> {
  const sources = readSchemaSources(request.schemaDir, request.cwd);
  if (sources.length === 0) return { ok: false, diagnostics: `error: no .bee files in ${request.schemaDir}\n` };
  const result = compileSchema(sources);
  if (result.model === undefined) return { ok: false, diagnostics: `${renderDiagnostics(result.diagnostics, sources)}\n` };
  const files = await emitSchema(result.model, { schemaLabel: basename(resolve(request.cwd, request.schemaDir)), cache: request.cache });
  const outDir = resolve(request.cwd, request.outDir);
  const diff = request.dryRun ? diffOutput(outDir, files) : writeOutput(outDir, files);
  const warnings = result.diagnostics.length > 0 ? `${renderDiagnostics(result.diagnostics, sources)}\n` : "";
  return { ok: true, files, diff, warnings };
}

/** Where formatted output persists between runs: node_modules/.cache/beeorm-gen, else ~/.cache/beeorm-gen. */
export function defaultCacheDir(cwd: string): string {
  if (process.env.BEEORM_GEN_CACHE) return resolve(cwd, process.env.BEEORM_GEN_CACHE);
  if (existsSync(join(cwd, "node_modules"))) return join(cwd, "node_modules", ".cache", "beeorm-gen");
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "beeorm-gen");
}
