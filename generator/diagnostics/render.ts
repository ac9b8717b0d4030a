import type { Diagnostic } from "./diagnostic.js";
import { lineIndexAt, lineStarts } from "./line-map.js";

/** A file as diagnostics show it: the display path and its text. */
export interface RenderFile {
  readonly path: string;
  readonly text: string;
}

const TAB_WIDTH = 4;
/** Longer source lines are cut to this many characters around the span. */
const MAX_SOURCE_COLUMNS = 160;
const CONTEXT_BEFORE = 60;

/**
 * Renders diagnostics in the order given, a blank line between them, and a summary line
 * ("2 errors, 1 warning"). `files[span.file]` is the file a diagnostic points into.
 */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], files: readonly RenderFile[]): string {
  if (diagnostics.length === 0) return "";
  const lineTables = new Map<number, number[]>();
  const blocks = diagnostics.map((diagnostic) => {
    const file = files[diagnostic.span.file];
    let lines = lineTables.get(diagnostic.span.file);
    if (lines === undefined && file !== undefined) {
      lines = lineStarts(file.text);
      lineTables.set(diagnostic.span.file, lines);
    }
    return renderDiagnostic(diagnostic, file, lines ?? [0]);
  });
  return [...blocks, summarize(diagnostics)].join("\n\n");
}

/** `file:line:col: error[E0201]: message`, the source line with a caret, then notes. */
export function renderDiagnostic(diagnostic: Diagnostic, file: RenderFile | undefined, lines: readonly number[]): string {
  const text = file?.text ?? "";
  const start = clamp(diagnostic.span.start, 0, text.length);
  const lineIndex = lineIndexAt(lines, start);
  const lineStart = lines[lineIndex] ?? 0;
  const lineEnd = endOfLine(text, lines, lineIndex);
  const lineNumber = String(lineIndex + 1);
  const gutter = " ".repeat(lineNumber.length);
  const excerpt = sourceExcerpt(text, lineStart, lineEnd, start, clamp(diagnostic.span.end, start, lineEnd));
  const out = [
    `${file?.path ?? "<unknown>"}:${lineNumber}:${start - lineStart + 1}: ${diagnostic.severity}[${diagnostic.code}]: ${printable(diagnostic.message)}`,
    `${gutter} |`,
    `${lineNumber} | ${excerpt.line}`.trimEnd(),
    `${gutter} | ${excerpt.caret}`,
  ];
  for (const note of diagnostic.notes ?? []) out.push(`${gutter} = note: ${printable(note)}`);
  if (diagnostic.suggestion !== undefined) out.push(`${gutter} = did you mean ${printable(showSuggestion(diagnostic.suggestion))}?`);
  return out.join("\n");
}

/** `@name` suggestions are shown as written; names and values in quotes. */
function showSuggestion(suggestion: string): string {
  return suggestion.startsWith("@") ? suggestion : `"${suggestion}"`;
}

function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const parts: string[] = [];
  if (errors > 0 || warnings === 0) parts.push(plural(errors, "error"));
  if (warnings > 0) parts.push(plural(warnings, "warning"));
  return parts.join(", ");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** End of line `index` (before its line break), from the line table. */
function endOfLine(text: string, lines: readonly number[], index: number): number {
  const next = lines[index + 1];
  if (next === undefined) return text.length;
  return text.charCodeAt(next - 1) === 0x0a && text.charCodeAt(next - 2) === 0x0d ? next - 2 : next - 1;
}

/**
 * The source line and a caret line under text[start, end). A long line is cut to a window
 * around the span, marked with "…" where text is left out.
 */
function sourceExcerpt(text: string, lineStart: number, lineEnd: number, start: number, end: number): { line: string; caret: string } {
  const from = lineEnd - lineStart > MAX_SOURCE_COLUMNS ? Math.max(lineStart, start - CONTEXT_BEFORE) : lineStart;
  const to = Math.min(lineEnd, from + MAX_SOURCE_COLUMNS);
  const head = from > lineStart ? "…" : "";
  const tail = to < lineEnd ? "…" : "";
  const before = displayWidth(text, from, start, head.length);
  const width = Math.max(1, displayWidth(text, start, Math.min(end, to), before) - before);
  return { line: head + displayText(text, from, to, head.length) + tail, caret: " ".repeat(before) + "^".repeat(width) };
}

/** Display column reached after text[from, to), starting at column `column`. */
function displayWidth(text: string, from: number, to: number, column: number): number {
  for (let i = from; i < to; i++) column += text.charCodeAt(i) === 0x09 ? TAB_WIDTH - (column % TAB_WIDTH) : 1;
  return column;
}

/** text[from, to) with tabs expanded and unsafe characters replaced, one column per code unit. */
function displayText(text: string, from: number, to: number, column: number): string {
  let out = "";
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const width = c === 0x09 ? TAB_WIDTH - (column % TAB_WIDTH) : 1;
    out += c === 0x09 ? " ".repeat(width) : isUnsafe(c) || isLoneSurrogate(text, i) ? "\uFFFD" : text[i];
    column += width;
  }
  return out;
}

/** Control, bidirectional-override and invisible format characters, which would garble a terminal. */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

function isUnsafe(c: number): boolean {
  return (
    (c < 0x20 && c !== 0x09) ||
    (c >= 0x7f && c < 0xa0) ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x2028 && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x206f) ||
    c === 0xfeff
  );
}

/** Text from the schema made safe to print: unsafe characters become U+FFFD. */
function printable(text: string): string {
  return text.replace(UNSAFE, "\uFFFD");
}

function isLoneSurrogate(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    return !(next >= 0xdc00 && next <= 0xdfff);
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const prev = text.charCodeAt(i - 1);
    return !(prev >= 0xd800 && prev <= 0xdbff);
  }
  return false;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
