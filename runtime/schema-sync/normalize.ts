/**
 * One spelling for what MariaDB and MySQL 8 print differently in information_schema, so that a
 * database that matches the schema compares equal on both: integer display widths (`int(11)`,
 * `bigint(20) unsigned`), `datetime(0)`, quoted or bare default literals, `NULL` as a string,
 * `utf8mb3` for `utf8`, MariaDB's `json` alias for `longtext`.
 */

/** Which server the database runs: MariaDB or MySQL (8). */
export type Flavor = "mariadb" | "mysql";

/** Types whose DEFAULT is a quoted literal. */
const QUOTED_TYPE = /^(var)?char|^(tiny|medium|long)?text|^enum|^set|^date|^time|^year|^(var)?binary|^(tiny|medium|long)?blob|^json/;

/** Rewrites applied to a type outside any quoted literal, in order. */
const TYPE_REWRITES: readonly (readonly [RegExp, string])[] = [
  [/\s+/g, " "],
  [/^integer\b/, "int"],
  [/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, "$1"],
  [/^bool(ean)?$/, "tinyint"],
  [/^(datetime|timestamp|time)\(0\)/, "$1"],
  [/^(numeric|dec|fixed)\b/, "decimal"],
  [/^decimal(?!\()/, "decimal(10,0)"],
  [/^decimal\((\d+)\)/, "decimal($1,0)"],
  [/^decimal\((\d+), (\d+)\)/, "decimal($1,$2)"],
  [/^(double precision|real)\b/, "double"],
];

/** A column type in its canonical spelling: lower case (quoted values kept), no display widths. */
export function normalizeType(type: string): string {
  const trimmed = type.trim();
  const quote = trimmed.indexOf("'");
  const head = (quote < 0 ? trimmed : trimmed.slice(0, quote)).toLowerCase();
  // enum and set list quoted values, which keep their case; only the keyword is folded.
  if (quote >= 0) return head + trimmed.slice(quote);
  return TYPE_REWRITES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), head);
}

/** True when `expected` (as the schema writes it) and `live` (as the server reports it) are one type. */
export function sameType(expected: string, live: string, flavor: Flavor): boolean {
  const want = normalizeType(expected);
  const have = normalizeType(live);
  // MariaDB stores json as longtext with a json_valid() check and reports it as longtext.
  return want === have || (flavor === "mariadb" && want === "json" && have === "longtext");
}

/**
 * The live DEFAULT as a literal in the schema's spelling, or undefined for none. MariaDB quotes
 * string literals and reports a nullable column's implicit default as the text `NULL`; MySQL 8
 * reports bare values, and marks expression defaults as DEFAULT_GENERATED.
 */
export function liveDefault(raw: string | null, type: string, flavor: Flavor, expression: boolean): string | undefined {
  if (raw === null) return undefined;
  if (flavor === "mariadb") return raw === "NULL" ? undefined : raw;
  return QUOTED_TYPE.test(normalizeType(type)) && !expression ? quoteLiteral(raw) : raw;
}

/** True when two DEFAULT literals store the same value in a column of `type`. */
export function sameDefault(expected: string | undefined, live: string | undefined, type: string): boolean {
  if (expected === live) return true;
  if (expected === undefined || live === undefined || QUOTED_TYPE.test(normalizeType(type))) return false;
  // Numbers: `1.5` and `1.50`, `0` and `0e0` are one default.
  const a = Number(expected);
  const b = Number(live);
  return Number.isFinite(a) && a === b;
}

/** A collation or character set name with MySQL 8's `utf8mb3` spelled `utf8`, as MariaDB does. */
export function normalizeCollation(name: string): string {
  return name.toLowerCase().replace(/^utf8mb3(?=_|$)/, "utf8");
}

/** A string literal as MariaDB prints it: single quotes, doubled inside. */
function quoteLiteral(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}
