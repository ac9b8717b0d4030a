/**
 * Every diagnostic code with a short title. `E…` codes are errors (no model is produced),
 * `W…` codes are warnings. Ranges: 00 syntax, 01 declarations and names, 02 types,
 * 03 attributes, 04 defaults, 05 indexes, 06 tables and rows.
 */
export const DIAGNOSTIC_CODES = {
  E0000: "internal error",
  E0001: "invalid character",
  E0002: "unterminated string",
  E0003: "invalid escape sequence",
  E0004: "invalid number",
  E0005: "unexpected token",
  E0006: "unknown declaration",
  E0007: "nesting too deep",
  E0008: "too many syntax errors",

  E0101: "duplicate declaration",
  E0102: "names differ only in case",
  E0103: "reserved name",
  E0104: "duplicate pool",
  E0105: "unknown pool property",
  E0106: "duplicate pool property",
  E0107: "missing pool url",
  E0108: "invalid pool property value",
  E0109: "invalid url",
  E0110: "empty enum",
  E0111: "duplicate enum value",
  E0112: "invalid enum value",
  E0114: "duplicate field",
  E0115: "reserved field name",

  E0201: "unknown type",
  E0202: "list of entities",
  E0203: "list of a non-enum type",
  E0204: "invalid type arguments",
  E0205: "varchar length out of range",
  E0206: "decimal precision or scale out of range",
  E0207: "enum cannot be used as a set",

  E0301: "unknown attribute",
  E0302: "attribute not allowed here",
  E0303: "duplicate attribute",
  E0304: "invalid attribute arguments",
  E0305: "unknown pool",
  E0306: "invalid local cache limit",
  E0307: "precision out of range",
  E0308: "cached field without an index",
  E0309: "conflicting attributes",
  E0310: "invalid name",
  E0311: "identifier too long",

  E0401: "default of the wrong kind",
  E0402: "default out of range",
  E0403: "default not in the enum",
  E0404: "default not allowed on this type",
  E0405: "invalid date default",
  W0401: "default will be rounded",
  W0402: "duplicate value in a set default",

  E0501: "unknown field in index",
  E0502: "duplicate field in index",
  E0503: "duplicate index name",
  E0504: "index key too long",
  E0505: "too many fields in index",
  E0506: "reserved index name",
  E0507: "field type cannot be indexed",
  E0508: "empty index",
  E0509: "index loader name collision",
  W0501: "redundant index",

  E0601: "conflicting table names",
  E0602: "duplicate column",
  E0603: "row size too large",
  E0604: "too many columns",
} as const;

/** A diagnostic code, e.g. `E0201`. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Whether the code is a lexical or syntax error (range 00). */
export function isSyntaxCode(code: DiagnosticCode): boolean {
  return code.startsWith("E00");
}

/** Whether diagnostics with this code block generation. */
export function severityOf(code: DiagnosticCode): "error" | "warning" {
  return code.startsWith("W") ? "warning" : "error";
}
