/**
 * Whether changing a column's type keeps every value it can hold today: a wider integer, a longer
 * varchar or text, a decimal with room for the same digits, float to double, a date gaining a time,
 * an enum or set gaining values. Anything else (narrowing, another kind of type, a renamed or
 * removed enum value) may lose data and is unsafe.
 */
import { normalizeType } from "./normalize.js";

const INT_BYTES: Readonly<Record<string, number>> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, bigint: 8 };
const TEXT_BYTES: Readonly<Record<string, number>> = { tinytext: 255, text: 65_535, mediumtext: 16_777_215, longtext: 4_294_967_295 };
const BLOB_BYTES: Readonly<Record<string, number>> = { tinyblob: 255, blob: 65_535, mediumblob: 16_777_215, longblob: 4_294_967_295 };

/** True when a column of type `from` can become `to` without losing or changing any value. */
export function isWidening(from: string, to: string): boolean {
  const a = normalizeType(from);
  const b = normalizeType(to);
  if (a === b) return true;
  return integers(a, b) ?? strings(a, b) ?? decimals(a, b) ?? floats(a, b) ?? members(a, b) ?? (a === "date" && b === "datetime");
}

function integers(a: string, b: string): boolean | undefined {
  const pattern = /^(tinyint|smallint|mediumint|int|bigint)( unsigned)?$/;
  const from = pattern.exec(a);
  if (from === null) return undefined;
  const to = pattern.exec(b);
  if (to === null) return false;
  const fromBytes = INT_BYTES[from[1]!]!;
  const toBytes = INT_BYTES[to[1]!]!;
  const fromUnsigned = from[2] !== undefined;
  const toUnsigned = to[2] !== undefined;
  if (fromUnsigned === toUnsigned) return toBytes >= fromBytes;
  // Unsigned values fit a signed type of more bytes; negative values never fit an unsigned one.
  return fromUnsigned && toBytes > fromBytes;
}

/**
 * Characters a string type may hold (`source`: at most, 1-byte characters) or is sure to hold
 * (`target`: at least, 4-byte characters); for blobs, bytes.
 */
function capacity(type: string, side: "source" | "target"): { family: "text" | "blob"; size: number } | undefined {
  const sized = /^(?:var)?char\((\d+)\)$/.exec(type);
  if (sized !== null) return { family: "text", size: Number(sized[1]) };
  const bytes = TEXT_BYTES[type];
  if (bytes !== undefined) return { family: "text", size: side === "source" ? bytes : Math.floor(bytes / 4) };
  if (BLOB_BYTES[type] !== undefined) return { family: "blob", size: BLOB_BYTES[type] };
  return undefined;
}

function strings(a: string, b: string): boolean | undefined {
  const from = capacity(a, "source");
  if (from === undefined) return undefined;
  const to = capacity(b, "target");
  return to !== undefined && to.family === from.family && to.size >= from.size;
}

function decimals(a: string, b: string): boolean | undefined {
  const pattern = /^decimal\((\d+),(\d+)\)( unsigned)?$/;
  const from = pattern.exec(a);
  if (from === null) return undefined;
  const to = pattern.exec(b);
  if (to === null) return false;
  const [fromDigits, fromScale, toDigits, toScale] = [from[1], from[2], to[1], to[2]].map(Number) as [number, number, number, number];
  const signOk = from[3] !== undefined || to[3] === undefined;
  return signOk && toScale >= fromScale && toDigits - toScale >= fromDigits - fromScale;
}

function floats(a: string, b: string): boolean | undefined {
  const from = /^(float|double)( unsigned)?$/.exec(a);
  if (from === null) return undefined;
  const to = /^(float|double)( unsigned)?$/.exec(b);
  if (to === null) return false;
  return (from[1] === "float" || to[1] === "double") && (from[2] !== undefined || to[2] === undefined);
}

/** enum → enum and set → set keep every value when no member is removed or renamed. */
function members(a: string, b: string): boolean | undefined {
  const from = /^(enum|set)\((.*)\)$/.exec(a);
  if (from === null) return undefined;
  const to = /^(enum|set)\((.*)\)$/.exec(b);
  if (to === null || to[1] !== from[1]) return false;
  const have = new Set(quotedValues(to[2]!));
  return quotedValues(from[2]!).every((value) => have.has(value));
}

/** The values of an enum/set list `'a','b''s'`, unquoted. */
function quotedValues(list: string): string[] {
  const values: string[] = [];
  const pattern = /'((?:[^'\\]|''|\\.)*)'/g;
  for (let match = pattern.exec(list); match !== null; match = pattern.exec(list)) values.push(match[1]!);
  return values;
}
