import type { Span } from "../syntax/span.js";
import { isSyntaxCode, severityOf, type DiagnosticCode } from "./codes.js";

/** Syntax errors shown per file; past this, a file is garbage and more would only flood the output. */
const MAX_SYNTAX_ERRORS_PER_FILE = 100;

/** One problem found in a schema: plain data, rendered by `renderDiagnostic`. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly span: Span;
  readonly notes?: readonly string[];
  /** Replacement text for the span ("did you mean …?"). */
  readonly suggestion?: string;
}

/** Optional parts of a diagnostic. */
export interface DiagnosticExtras {
  readonly notes?: readonly string[];
  readonly suggestion?: string | undefined;
}

/** Collects diagnostics from every phase; phases push into it instead of throwing. */
export class DiagnosticBag {
  readonly #items: Diagnostic[] = [];
  readonly #syntaxErrors = new Map<number, number>();
  #errors = 0;

  /** Records a diagnostic; its severity follows from the code. */
  report(code: DiagnosticCode, span: Span, message: string, extras?: DiagnosticExtras): void {
    if (isSyntaxCode(code)) {
      const count = (this.#syntaxErrors.get(span.file) ?? 0) + 1;
      this.#syntaxErrors.set(span.file, count);
      if (count > MAX_SYNTAX_ERRORS_PER_FILE + 1) return;
      if (count === MAX_SYNTAX_ERRORS_PER_FILE + 1) {
        code = "E0008";
        message = `more than ${MAX_SYNTAX_ERRORS_PER_FILE} syntax errors in this file; the rest are not shown`;
        extras = { notes: ["is this a .bee schema file?"] };
      }
    }
    const severity = severityOf(code);
    if (severity === "error") this.#errors++;
    const diagnostic: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, severity, message, span };
    if (extras?.notes !== undefined && extras.notes.length > 0) diagnostic.notes = extras.notes;
    if (extras?.suggestion !== undefined) diagnostic.suggestion = extras.suggestion;
    this.#items.push(diagnostic);
  }

  /** Number of error diagnostics so far. */
  get errorCount(): number {
    return this.#errors;
  }

  /** The diagnostics sorted by file, offset and code (stable for equal keys). */
  sorted(): Diagnostic[] {
    return this.#items
      .map((d, i) => ({ d, i }))
      .sort(
        (a, b) =>
          a.d.span.file - b.d.span.file ||
          a.d.span.start - b.d.span.start ||
          compareStrings(a.d.code, b.d.code) ||
          a.i - b.i,
      )
      .map(({ d }) => d);
  }
}

/** Code-unit order, independent of the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
