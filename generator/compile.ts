import { isSyntaxCode } from "./diagnostics/codes.js";
import { DiagnosticBag, compareStrings, type Diagnostic } from "./diagnostics/diagnostic.js";
import { lineIndexAt, lineStarts } from "./diagnostics/line-map.js";
import { renderDiagnostics as renderList } from "./diagnostics/render.js";
import type { SchemaModel } from "./model.js";
import { resolveSchema } from "./resolve/resolver.js";
import type { SchemaFileNode } from "./syntax/ast.js";
import { parseSchemaFile } from "./syntax/parser.js";
import type { Span } from "./syntax/span.js";

/** One `.bee` file of a schema. */
export interface SchemaSource {
  /** Display path, e.g. "schema/shop.bee". */
  readonly path: string;
  /** Schema-relative name, e.g. "shop.bee". */
  readonly name: string;
  readonly text: string;
}

/** The model (undefined iff any error) and every diagnostic, sorted by file, offset and code. */
export interface CompileResult {
  readonly model: SchemaModel | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses and resolves a schema. Never throws; spans index the sources sorted by name. */
export function compileSchema(sources: readonly SchemaSource[]): CompileResult {
  const sorted = sortSources(sources);
  const bag = new DiagnosticBag();
  try {
    const files: SchemaFileNode[] = sorted.map((source, i) => parseSchemaFile(source.text, i, bag));
    const incomplete = bag.errorCount > 0;
    const lines = new Map<number, number[]>();
    const where = (span: Span): string => {
      const source = sorted[span.file];
      if (source === undefined) return "?";
      let starts = lines.get(span.file);
      if (starts === undefined) lines.set(span.file, (starts = lineStarts(source.text)));
      return `${source.path}:${lineIndexAt(starts, span.start) + 1}`;
    };
    const model = resolveSchema(files, { bag, fileNames: sorted.map((s) => s.name), incomplete, where });
    return { model: bag.errorCount > 0 ? undefined : model, diagnostics: withoutCascades(bag.sorted()) };
  } catch (error) {
    const diagnostics = bag.sorted();
    const message = error instanceof Error ? error.message : String(error);
    return { model: undefined, diagnostics: [...diagnostics, internalError(message)] };
  }
}

/**
 * Drops diagnostics inside the span of a syntax error: they are consequences of it (the
 * rest of an unterminated string, the value of an invalid number, a list nested too deep).
 */
function withoutCascades(diagnostics: Diagnostic[]): Diagnostic[] {
  const covered = new Map<number, Array<[number, number]>>();
  for (const { code, span } of diagnostics) {
    if (!isSyntaxCode(code)) continue;
    const ranges = covered.get(span.file) ?? [];
    const last = ranges[ranges.length - 1];
    if (last !== undefined && span.start <= last[1]) last[1] = Math.max(last[1], span.end);
    else ranges.push([span.start, span.end]);
    covered.set(span.file, ranges);
  }
  if (covered.size === 0) return diagnostics;
  return diagnostics.filter((d) => isSyntaxCode(d.code) || !overlaps(covered.get(d.span.file), d.span));
}

/** Whether `span` overlaps one of the sorted, disjoint `ranges`. */
function overlaps(ranges: ReadonlyArray<readonly [number, number]> | undefined, span: Span): boolean {
  if (ranges === undefined) return false;
  let low = 0;
  let high = ranges.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((ranges[mid]?.[0] ?? 0) < span.end) low = mid;
    else high = mid - 1;
  }
  const range = ranges[low];
  return range !== undefined && range[0] < span.end && span.start < range[1];
}

/** Renders diagnostics of `compileSchema(sources)` with their source lines and a summary. */
export function renderDiagnostics(result: CompileResult["diagnostics"], sources: readonly SchemaSource[]): string {
  return renderList(result, sortSources(sources));
}

/** Sources in name order, so results never depend on directory listing order. */
function sortSources(sources: readonly SchemaSource[]): SchemaSource[] {
  return [...sources].sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.path, b.path));
}

function internalError(message: string): Diagnostic {
  return { code: "E0000", severity: "error", message: `internal error: ${message}`, span: { file: 0, start: 0, end: 0 } };
}
