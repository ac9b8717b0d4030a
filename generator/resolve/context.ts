import type { DiagnosticCode } from "../diagnostics/codes.js";
import type { DiagnosticBag, DiagnosticExtras } from "../diagnostics/diagnostic.js";
import type { Span } from "../syntax/span.js";

/** What every resolver pass shares. */
export interface ResolveContext {
  readonly bag: DiagnosticBag;
  /** Schema-relative file names, indexed like `Span.file`. */
  readonly fileNames: readonly string[];
  /** Syntax errors were reported, so a name may be unknown only because its declaration was lost. */
  readonly incomplete: boolean;
  /** `catalog.bee:12`, for notes that point at another place. */
  readonly where: (span: Span) => string;
}

/**
 * Reports a failed name lookup, unless the schema is incomplete (the name may be in lost text).
 * `extras` is called only when the diagnostic is reported, as suggestions take time to compute.
 */
export function reportUnknown(
  ctx: ResolveContext,
  code: DiagnosticCode,
  span: Span,
  message: string,
  extras: () => DiagnosticExtras,
): void {
  if (!ctx.incomplete) ctx.bag.report(code, span, message, extras());
}

/** The file name a span points into. */
export function fileNameOf(ctx: ResolveContext, span: Span): string {
  return ctx.fileNames[span.file] ?? "";
}
