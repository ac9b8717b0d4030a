/**
 * The ALTER TABLE clauses that turn a live table into the expected one, each marked safe (no data
 * can be lost) or unsafe. Pure: the one question that needs the data, whether a new unique key
 * meets duplicates, is left to alters.ts as a `uniqueCheck`. Column renames are not guessed: a
 * renamed column is a dropped one plus an added one.
 */
import { quoteIdentifier } from "../sql-list.js";
import type { LiveColumn, LiveKey, LiveTable } from "./introspect.js";
import { normalizeType, sameDefault, sameType, type Flavor } from "./normalize.js";
import { columnSql, keySql, TABLE_CHARSET, TABLE_COLLATION, TABLE_ENGINE, type ColumnSpec, type KeySpec, type TableSpec } from "./table-spec.js";
import { isWidening } from "./widening.js";

export interface Change {
  /** One clause of ALTER TABLE, e.g. `` ADD COLUMN `x` int NOT NULL AFTER `y` ``. */
  readonly clause: string;
  readonly safe: boolean;
  /** In words, for the report. */
  readonly note: string;
  /** A unique key being added: safe only when the rows hold no duplicates over these columns. */
  readonly uniqueCheck?: UniqueCheck;
}

export interface UniqueCheck {
  /** Key columns the table has today, and the new columns (which every row gets the default of). */
  readonly existing: readonly ColumnSpec[];
  readonly added: readonly ColumnSpec[];
}

/** Types that carry a character set (json aside: MariaDB gives it utf8mb4_bin of its own). */
const TEXTUAL = /^(var)?char|^(tiny|medium|long)?text|^enum|^set/;

/** Every change `live` needs to match `expected`, in the order ALTER TABLE should apply them. */
export function tableChanges(expected: TableSpec, live: LiveTable, flavor: Flavor): Change[] {
  const liveColumns = new Map(live.columns.map((c) => [c.name.toLowerCase(), c]));
  const wantedColumns = new Set(expected.columns.map((c) => c.name.toLowerCase()));
  const changes: Change[] = [];

  if (live.engine.toLowerCase() !== TABLE_ENGINE.toLowerCase()) {
    changes.push({ clause: `ENGINE=${TABLE_ENGINE}`, safe: true, note: `engine ${live.engine} → ${TABLE_ENGINE}` });
  }
  if (live.collation !== TABLE_COLLATION) {
    changes.push({ clause: `DEFAULT CHARSET=${TABLE_CHARSET} COLLATE=${TABLE_COLLATION}`, safe: true, note: `default collation ${live.collation} → ${TABLE_COLLATION}` });
  }

  const keyChanges = keyDiff(expected, live, liveColumns);
  changes.push(...keyChanges.drops);

  for (const column of live.columns) {
    if (!wantedColumns.has(column.name.toLowerCase())) {
      changes.push({ clause: `DROP COLUMN ${quoteIdentifier(column.name)}`, safe: false, note: `drop column ${quoteIdentifier(column.name)} (${column.type})` });
    }
  }
  expected.columns.forEach((column, i) => {
    const current = liveColumns.get(column.name.toLowerCase());
    if (current === undefined) {
      const place = i === 0 ? "FIRST" : `AFTER ${quoteIdentifier(expected.columns[i - 1]!.name)}`;
      changes.push({ clause: `ADD COLUMN ${definition(column)} ${place}`, safe: true, note: `add column ${quoteIdentifier(column.name)} ${column.type}` });
    } else {
      const modify = columnChange(column, current, flavor);
      if (modify !== undefined) changes.push(modify);
    }
  });

  const primary = expected.primaryKey.join("\u0000").toLowerCase();
  if (live.primaryKey.join("\u0000").toLowerCase() !== primary) {
    const columns = expected.primaryKey.map(quoteIdentifier).join(", ");
    const drop = live.primaryKey.length > 0 ? "DROP PRIMARY KEY, " : "";
    changes.push({ clause: `${drop}ADD PRIMARY KEY (${columns})`, safe: false, note: `primary key (${live.primaryKey.join(", ")}) → (${expected.primaryKey.join(", ")})` });
  }
  changes.push(...keyChanges.adds);
  return changes;
}

/** MODIFY COLUMN when the type, nullability, default, auto-increment or collation differ. */
function columnChange(column: ColumnSpec, live: LiveColumn, flavor: Flavor): Change | undefined {
  const notes: string[] = [];
  let safe = true;
  if (!sameType(column.type, live.type, flavor)) {
    const widening = isWidening(live.type, column.type);
    safe &&= widening;
    notes.push(`${widening ? "widen" : "change type"} ${live.type} → ${column.type}`);
  }
  if (column.nullable !== live.nullable) {
    safe &&= column.nullable;
    notes.push(column.nullable ? "allow NULL" : "disallow NULL");
  }
  if (!sameDefault(column.defaultSql, live.defaultSql, column.type)) notes.push(`default ${live.defaultSql ?? "none"} → ${column.defaultSql ?? "none"}`);
  if (column.autoIncrement !== live.autoIncrement) notes.push(column.autoIncrement ? "add AUTO_INCREMENT" : "drop AUTO_INCREMENT");
  if (TEXTUAL.test(normalizeType(column.type)) && live.collation !== undefined && live.collation !== TABLE_COLLATION) {
    notes.push(`collation ${live.collation} → ${TABLE_COLLATION}`);
  }
  if (notes.length === 0) return undefined;
  return { clause: `MODIFY COLUMN ${definition(column)}`, safe, note: `${quoteIdentifier(column.name)}: ${notes.join(", ")}` };
}

/**
 * A column definition for ADD/MODIFY. Textual columns name their character set, so the result
 * does not depend on the table default at the moment the statement runs.
 */
function definition(column: ColumnSpec): string {
  if (!TEXTUAL.test(normalizeType(column.type))) return columnSql(column);
  return columnSql({ ...column, type: `${column.type} CHARACTER SET ${TABLE_CHARSET} COLLATE ${TABLE_COLLATION}` });
}

/** Keys no longer declared (dropped first) and keys to add or re-create (last, after the columns they use). */
function keyDiff(expected: TableSpec, live: LiveTable, liveColumns: ReadonlyMap<string, LiveColumn>): { drops: Change[]; adds: Change[] } {
  const liveKeys = new Map(live.keys.map((k) => [k.name.toLowerCase(), k]));
  const wanted = new Set(expected.keys.map((k) => k.name.toLowerCase()));
  const drops: Change[] = [];
  const adds: Change[] = [];
  for (const key of live.keys) {
    // An index MySQL keeps for a foreign key cannot go while the foreign key exists; that is reported on its own.
    if (!wanted.has(key.name.toLowerCase()) && !backsForeignKey(key, live)) {
      drops.push({ clause: `DROP KEY ${quoteIdentifier(key.name)}`, safe: true, note: `drop index ${quoteIdentifier(key.name)} (${key.columns.join(", ")})` });
    }
  }
  for (const key of expected.keys) {
    const current = liveKeys.get(key.name.toLowerCase());
    if (current !== undefined && sameKey(key, current)) continue;
    // A changed key is dropped and re-added in one change, so the two are applied (or skipped) together.
    const drop = current === undefined ? "" : `DROP KEY ${quoteIdentifier(current.name)}, `;
    const was = current === undefined ? "" : ` (was ${current.unique ? "unique " : ""}(${current.columns.join(", ")}))`;
    const columns = key.columns.map((name) => expected.columns.find((c) => c.name === name)!);
    const uniqueCheck: UniqueCheck | undefined = key.unique
      ? { existing: columns.filter((c) => liveColumns.has(c.name.toLowerCase())), added: columns.filter((c) => !liveColumns.has(c.name.toLowerCase())) }
      : undefined;
    const note = `${current === undefined ? "add" : "re-create"} ${key.unique ? "unique " : ""}index ${quoteIdentifier(key.name)} (${key.columns.join(", ")})${was}`;
    adds.push({ clause: `${drop}ADD ${keySql(key)}`, safe: true, note, ...(uniqueCheck === undefined ? {} : { uniqueCheck }) });
  }
  return { drops, adds };
}

function sameKey(key: KeySpec, live: LiveKey): boolean {
  return !live.special && key.unique === live.unique && key.columns.join("\u0000").toLowerCase() === live.columns.join("\u0000").toLowerCase();
}

function backsForeignKey(key: LiveKey, table: LiveTable): boolean {
  return table.foreignKeys.some((fk) => fk.columns.every((column, i) => key.columns[i]?.toLowerCase() === column.toLowerCase()));
}
