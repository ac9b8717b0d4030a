/** Helpers shared by the integration tests that read the example schema. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileSchema, renderDiagnostics } from "../../generator/compile.js";
import { POOL_MARKER } from "../../generator/emit/ddl-emitter.js";
import type { SchemaModel } from "../../generator/model.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The example schema compiled from source. */
export function compileExampleSchema(): SchemaModel {
  const dir = join(ROOT, "schema");
  const sources = readdirSync(dir)
    .filter((name) => name.endsWith(".bee"))
    .sort()
    .map((name) => ({ path: join("schema", name), name, text: readFileSync(join(dir, name), "utf8") }));
  const { model, diagnostics } = compileSchema(sources);
  if (model === undefined) throw new Error(`schema/ does not compile:\n${renderDiagnostics(diagnostics, sources)}`);
  return model;
}

/** schema.sql cut at its `-- pool: NAME` lines: pool name → the statements of that pool. */
export function splitPools(sql: string): Map<string, string> {
  const sections = new Map<string, string>();
  let current: string | undefined;
  let lines: string[] = [];
  const flush = (): void => {
    if (current !== undefined) sections.set(current, lines.join("\n"));
  };
  for (const line of sql.split("\n")) {
    if (line.startsWith(POOL_MARKER)) {
      flush();
      current = line.slice(POOL_MARKER.length).trim();
      lines = [];
    } else if (current !== undefined) {
      lines.push(line);
    }
  }
  flush();
  return sections;
}
