/** SQL whose length depends on the number of rows, ids or changed columns, built from the generated texts. */

/** `INSERT … VALUES (?, ?)` for `rows` rows: the final group repeated. */
export function expandInsert(insert: string, rows: number): string {
  const group = insert.slice(insert.lastIndexOf("("));
  let sql = insert;
  for (let i = 1; i < rows; i++) sql += `, ${group}`;
  return sql;
}

/**
 * `INSERT … VALUES ?` for mysql2's nested-array expansion: the rows are bound as one array of
 * arrays and escaped in one pass (text protocol), much faster than thousands of `?`.
 */
export function insertRowsSql(insert: string): string {
  return `${insert.slice(0, insert.lastIndexOf("("))}?`;
}

/** `… IN (?)` for `count` values. */
export function expandIn(sql: string, count: number): string {
  if (count === 1) return sql;
  return `${sql.slice(0, -1)}${", ?".repeat(count - 1)})`;
}

/**
 * `… IN (?)` for `ids`, padded to the next power of two by repeating the last id, so reads
 * (server-side prepared statements) use a handful of statement shapes, not one per list length.
 */
export function selectIn(sql: string, ids: readonly number[]): { sql: string; params: number[] } {
  let size = 1;
  while (size < ids.length) size *= 2;
  const params = [...ids];
  while (params.length < size) params.push(ids[ids.length - 1]!);
  return { sql: expandIn(sql, size), params };
}

/** `UPDATE t SET \`a\` = ?, \`b\` = ? WHERE \`ID\` = ?` for the changed `columns` (positions). */
export function updateSql(update: string, names: readonly string[], columns: readonly number[]): string {
  return `${update}${columns.map((c) => `${quoteIdentifier(names[c]!)} = ?`).join(", ")} WHERE \`ID\` = ?`;
}

/** A MySQL identifier in back-quotes. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}
