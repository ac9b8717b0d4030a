/**
 * Every SQL text of every generated descriptor is accepted by MariaDB's PREPARE in a database built
 * from schema.sql, on its own and as the runtime completes it (expandInsert, expandIn, updateSql,
 * `selectIdsFrom`/`selectFrom` + `WHERE ` + an index's `where`), with the placeholder counts and
 * result columns the runtime relies on; and every entity makes a real round trip:
 * create → validate → toRow → INSERT → SELECT (text and binary protocol) → fromRow, plus the Redis
 * form (encodeRow / decodeRow), UPDATE, DELETE and the index lookups.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { columnNames, type EntityDescriptor, expandIn, expandInsert, toFloat32, updateSql, ValidationError } from "beeorm/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntityModel, FieldModel } from "../../generator/model.js";
import { schema } from "../../generated/index.js";
import { decodeRow, encodeRow, encodeRowValues } from "../../runtime/row-cache.js";
import { compileExampleSchema, splitPools } from "./example-schema.js";
import { createTestDatabase, type TestDatabase } from "./mysql.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

type Draft = { id: number } & Record<string, unknown>;
type Descriptor = EntityDescriptor<Draft, Record<string, unknown>>;
const descriptors = schema.entities as unknown as readonly Descriptor[];



/** The keys of `EntitySql`, every one plain SQL text. */
const SQL_KEYS = ["insert", "selectById", "selectByIds", "selectAll", "selectAllIds", "selectFrom", "selectIdsFrom", "countFrom", "update", "deleteByIds"];

const model = compileExampleSchema();
const dbs = new Map<string, TestDatabase>();

function modelOf(d: Descriptor): EntityModel {
  const found = model.entities.find((e) => e.name === d.name);
  if (found === undefined) throw new Error(`descriptor ${d.name} has no entity in schema/`);
  return found;
}

function dbOf(d: Descriptor): TestDatabase {
  const db = dbs.get(d.mysqlPool);
  if (db === undefined) throw new Error(`no database for pool ${d.mysqlPool}`);
  return db;
}

function quote(name: string): string {
  return `\`${name}\``;
}

/** `?, ?, …` for `n` values. */
function marks(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

/** An index lookup as the runtime builds it (runtime/entity-runtime.ts): ids, or every column. */
function indexIdsSql(d: Descriptor, where: string): string {
  return `${d.sql.selectIdsFrom}WHERE ${where}`;
}
function indexRowsSql(d: Descriptor, where: string): string {
  return `${d.sql.selectFrom}WHERE ${where}`;
}

beforeAll(async () => {
  const sections = splitPools(readFileSync(join(ROOT, "generated", "schema.sql"), "utf8"));
  for (const [pool, sql] of sections) {
    const db = await createTestDatabase(`prepare_${pool}`, {
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    dbs.set(pool, db);
    await db.conn.query(sql);
  }
});

afterAll(async () => {
  for (const db of dbs.values()) await db.drop();
});

it("the generated barrel describes every entity of schema/, columns and indexes in model order", () => {
  expect(descriptors.map((d) => d.name).sort()).toEqual(model.entities.map((e) => e.name).sort());
  for (const d of descriptors) {
    const e = modelOf(d);
    expect(d.table).toBe(e.table);
    expect(d.mysqlPool).toBe(e.mysqlPool);
    expect(columnNames(d)).toEqual(e.fields.map((f) => f.column));
    expect(d.hasBytes === true, `${d.name}.hasBytes`).toBe(e.fields.some((f) => f.type.kind === "bytes"));
    const position = (name: string): number => e.fields.findIndex((f) => f.name === name);
    expect(d.indexes.map((i) => [i.name, i.unique === true, i.cached === true, i.columns])).toEqual(
      e.indexes.map((i) => [i.name, i.unique, i.cached, i.fields.map(position)]),
    );
  }
});

describe("the SQL texts have the shape the runtime completes", () => {
  it.each(descriptors.map((d) => [d.name, d] as const))("%s", (_name, d) => {
    const n = columnNames(d).length;
    const s = d.sql;
    // Plain strings, nothing else: no key the runtime does not know and no key missing.
    expect(Object.keys(s).sort()).toEqual([...SQL_KEYS].sort());
    for (const key of SQL_KEYS) expect(typeof (s as unknown as Record<string, unknown>)[key], key).toBe("string");

    // insert: one row of every column in `columns` order; expandInsert repeats its final group.
    expect(s.insert).toBe(`INSERT INTO ${quote(d.table)} (${columnNames(d).map(quote).join(", ")}) VALUES (${marks(n)})`);
    expect(expandInsert(s.insert, 1)).toBe(s.insert);
    expect(expandInsert(s.insert, 3)).toBe(`${s.insert}, (${marks(n)}), (${marks(n)})`);

    // selectByIds / deleteByIds end in `IN (?)`; expandIn adds a `?` per further id.
    for (const sql of [s.selectByIds, s.deleteByIds]) {
      expect(sql.endsWith(" IN (?)"), sql).toBe(true);
      expect(expandIn(sql, 1)).toBe(sql);
      expect(expandIn(sql, 3)).toBe(`${sql.slice(0, -"(?)".length)}(?, ?, ?)`);
    }

    // Prefixes end in a space and carry no condition of their own.
    for (const sql of [s.selectFrom, s.selectIdsFrom, s.countFrom]) {
      expect(sql.endsWith(" "), JSON.stringify(sql)).toBe(true);
      expect(sql).not.toMatch(/\bWHERE\b|\?/);
    }
    expect(s.update).toBe(`UPDATE ${quote(d.table)} SET `);
    expect(updateSql(s.update, columnNames(d), [1])).toBe(`UPDATE ${quote(d.table)} SET ${quote(columnNames(d)[1]!)} = ? WHERE \`ID\` = ?`);

    // Index conditions: what follows `WHERE `, one `?` per column in index order, nullable
    // columns compared with `<=>`, ordered by id, a unique lookup limited to one row.
    const fields = modelOf(d).fields;
    for (const index of d.indexes) {
      const condition = index.columns.map((c) => `${quote(columnNames(d)[c]!)} ${fields[c]!.nullable ? "<=>" : "="} ?`).join(" AND ");
      expect(index.where, index.name).toBe(`${condition} ORDER BY \`ID\`${index.unique ? " LIMIT 1" : ""}`);
    }
  });
});

describe("every SQL text is accepted by PREPARE", () => {
  interface Statement {
    readonly label: string;
    readonly sql: string;
    readonly params: number;
    /** Names of the result columns of a SELECT, [] for other statements. */
    readonly resultColumns: readonly string[];
  }

  function statementsOf(d: Descriptor): Statement[] {
    const n = columnNames(d).length;
    const s = d.sql;
    const every = columnNames(d);
    const id = ["ID"];
    const count = ["COUNT(*)"];
    const all: Statement[] = [
      { label: "insert", sql: s.insert, params: n, resultColumns: [] },
      { label: "insert ×3", sql: expandInsert(s.insert, 3), params: 3 * n, resultColumns: [] },
      { label: "selectById", sql: s.selectById, params: 1, resultColumns: every },
      { label: "selectByIds", sql: s.selectByIds, params: 1, resultColumns: every },
      { label: "selectByIds ×5", sql: expandIn(s.selectByIds, 5), params: 5, resultColumns: every },
      // runtime/flush/locked-read.ts
      { label: "selectByIds ×5 FOR UPDATE", sql: `${expandIn(s.selectByIds, 5)} FOR UPDATE`, params: 5, resultColumns: every },
      { label: "selectAll", sql: s.selectAll, params: 0, resultColumns: every },
      { label: "selectAllIds", sql: s.selectAllIds, params: 0, resultColumns: id },
      // The prefixes are valid SQL on their own…
      { label: "selectFrom", sql: s.selectFrom, params: 0, resultColumns: every },
      { label: "selectIdsFrom", sql: s.selectIdsFrom, params: 0, resultColumns: id },
      { label: "countFrom", sql: s.countFrom, params: 0, resultColumns: count },
      // …and as search / searchIds / count complete them (runtime/repository.ts).
      { label: "selectFrom WHERE", sql: `${s.selectFrom}WHERE \`ID\` > ? ORDER BY \`ID\` LIMIT 0, 10`, params: 1, resultColumns: every },
      { label: "selectIdsFrom WHERE", sql: `${s.selectIdsFrom}WHERE \`ID\` IN (?, ?) ORDER BY \`ID\``, params: 2, resultColumns: id },
      { label: "countFrom WHERE", sql: `${s.countFrom}WHERE \`ID\` > ?`, params: 1, resultColumns: count },
      { label: "deleteByIds", sql: s.deleteByIds, params: 1, resultColumns: [] },
      { label: "deleteByIds ×5", sql: expandIn(s.deleteByIds, 5), params: 5, resultColumns: [] },
    ];
    const others = Array.from({ length: n - 1 }, (_, k) => k + 1);
    for (const c of others) {
      all.push({ label: `update ${columnNames(d)[c]!}`, sql: updateSql(s.update, columnNames(d), [c]), params: 2, resultColumns: [] });
    }
    all.push({ label: "update all", sql: updateSql(s.update, columnNames(d), others), params: n, resultColumns: [] });
    for (const index of d.indexes) {
      const params = index.columns.length;
      all.push({ label: `index ${index.name} ids`, sql: indexIdsSql(d, index.where), params, resultColumns: id });
      all.push({ label: `index ${index.name} rows`, sql: indexRowsSql(d, index.where), params, resultColumns: every });
      // Any other SQL an index carries: same key, any result shape.
      for (const [key, value] of Object.entries(index)) {
        if (typeof value !== "string" || key === "name" || key === "where") continue;
        all.push({ label: `index ${index.name}.${key}`, sql: value, params, resultColumns: resultColumnsOf(value, every) });
      }
    }
    // Statements this test does not know by name are still every one PREPAREd.
    for (const [key, value] of Object.entries(s as unknown as Record<string, unknown>)) {
      if (SQL_KEYS.includes(key)) continue;
      if (typeof value !== "string") throw new Error(`${d.name}.sql.${key} is not SQL text`);
      all.push({ label: key, sql: value, params: value.split("?").length - 1, resultColumns: resultColumnsOf(value, every) });
    }
    return all;
  }

  /** Result columns of a statement: counts and id selects give one, other SELECTs every column. */
  function resultColumnsOf(sql: string, every: readonly string[]): readonly string[] {
    if (!sql.startsWith("SELECT ")) return [];
    if (sql.startsWith("SELECT COUNT(*) FROM ")) return ["COUNT(*)"];
    if (sql.startsWith("SELECT `ID` FROM ")) return ["ID"];
    return every;
  }

  it.each(descriptors.map((d) => [d.name, d] as const))("%s", async (_name, d) => {
    const { conn } = dbOf(d);
    const statements = statementsOf(d);
    expect(statements.length).toBeGreaterThanOrEqual(16 + columnNames(d).length + 2 * d.indexes.length);
    for (const s of statements) {
      // The SQL-level PREPARE the brief asks for…
      await conn.query("PREPARE beeorm_stmt FROM ?", [s.sql]);
      await conn.query("DEALLOCATE PREPARE beeorm_stmt");
      // …and the protocol-level one, which reports what the server parsed: the runtime binds
      // that many values and fromRow reads the columns in `columns` order.
      const prepared = await conn.prepare(s.sql);
      const info = (prepared as unknown as { statement: { parameters: unknown[]; columns: { name: string }[] } }).statement;
      expect([s.label, info.parameters.length], s.sql).toEqual([s.label, s.params]);
      expect([s.label, info.columns.map((c) => c.name)], s.sql).toEqual([s.label, s.resultColumns]);
      conn.unprepare(s.sql); // closes it and drops it from mysql2's statement cache
    }
  });
});

// ---- values built from each field's type --------------------------------------------------

const INT_LIMITS: Record<number, [number, number, number]> = {
  8: [-128, 127, 255],
  16: [-32768, 32767, 65535],
  24: [-8388608, 8388607, 16777215],
  32: [-2147483648, 2147483647, 4294967295],
};
const CODE_POINTS = ["a", "ż", "🐝", "'", "\\", "Z", '"', "é"];

/** Exactly `n` code points, starting with the variant digit (so unique columns differ). */
function varchar(n: number, variant: number): string {
  return Array.from({ length: n }, (_, i) => (i === 0 ? String(variant) : CODE_POINTS[(i + variant) % CODE_POINTS.length]!)).join("");
}

/** A value for `field` of variant 0, 1 or 2: extremes, the other extremes, something ordinary. */
function valueFor(field: FieldModel, variant: number): unknown {
  const t = field.type;
  switch (t.kind) {
    case "id":
      throw new Error("ids are assigned by create()");
    case "bool":
      return variant !== 1;
    case "int": {
      if (t.bits === 64) {
        const values = t.unsigned ? [18446744073709551615n, 0n, 7n] : [-9223372036854775808n, 9223372036854775807n, -1n];
        return values[variant];
      }
      const [min, max, umax] = INT_LIMITS[t.bits]!;
      return (t.unsigned ? [umax, 0, 7] : [min, max, -1])[variant];
    }
    case "float": {
      const exact = [1.5, 0.25, 3][variant]!; // exactly representable in float32
      const value = field.precision === undefined ? exact : [1.23456, 0.005, 2.71828][variant]!;
      return field.unsigned || variant !== 1 ? value : -value;
    }
    case "decimal": {
      const max = 10 ** (t.precision - t.scale) - 1 + 0.994; // rounds to the largest storable value
      const values = [max, field.unsigned ? 0 : -12.345, 1.1];
      return values[variant];
    }
    case "varchar":
      return varchar(t.length, variant);
    case "text":
      return `${variant}: line one\nit's "quoted" \\ ż 🐝\t${"x".repeat(variant === 2 ? 70_000 : 10)}`;
    case "date":
    case "datetime": {
      const dates = [Date.UTC(2024, 1, 29, 13, 14, 15, 678), Date.UTC(1000, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999)];
      return new Date(dates[variant]!);
    }
    case "bytes":
      return [new Uint8Array([0, 1, 2, 39, 92, 34, 255, 128, 0]), new Uint8Array(0), Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) % 256)][
        variant
      ];
    case "enum":
      return [t.values[t.values.length - 1], t.values[0], t.values[1 % t.values.length]][variant];
    case "set": {
      const twoReversed = [t.values[t.values.length - 1]!, t.values[0]!];
      return [twoReversed, [], [...t.values].reverse()][variant];
    }
    case "reference":
      return [Number.MAX_SAFE_INTEGER, 1, 123456789][variant];
  }
}

/** True when `new()` may leave the field out. */
function optional(field: FieldModel): boolean {
  return field.nullable || field.default !== undefined || field.type.kind === "set";
}

/** Variant 0 sets every field; the others set only what `new()` requires. */
function inputFor(entity: EntityModel, variant: number): Record<string, unknown> {
  const fields = entity.fields.slice(1).filter((f) => variant === 0 || !optional(f));
  return Object.fromEntries(fields.map((f) => [f.name, valueFor(f, variant)]));
}

function draft(d: Descriptor, id: number, variant: number): Draft {
  const created = d.create(id, inputFor(modelOf(d), variant));
  d.validate(created);
  return created;
}

const ROW_OPTIONS = { rowsAsArray: true } as const;

/** Rows over the text protocol (`query`), as the brief's mysql2 options deliver them. */
async function queryRows(d: Descriptor, sql: string, params: readonly unknown[]): Promise<unknown[][]> {
  const [rows] = await dbOf(d).conn.query<RowDataPacket[]>({ sql, ...ROW_OPTIONS }, params as never[]);
  return rows as unknown as unknown[][];
}

/** Rows over the binary protocol (`execute`), which runtime/mysql-pool.ts uses. */
async function executeRows(d: Descriptor, sql: string, params: readonly unknown[]): Promise<unknown[][]> {
  const [rows] = await dbOf(d).conn.execute<RowDataPacket[]>({ sql, ...ROW_OPTIONS }, params as never[]);
  return rows as unknown as unknown[][];
}

/** The entities of a SELECT of every column, read through both protocols, which must agree. */
async function selectEntities(d: Descriptor, sql: string, params: readonly unknown[]): Promise<Draft[]> {
  const text = (await queryRows(d, sql, params)).map((r) => d.fromRow(r));
  const binary = (await executeRows(d, sql, params)).map((r) => d.fromRow(r));
  expect(binary, `binary protocol: ${sql}`).toStrictEqual(text);
  return binary;
}

/** The ids of a SELECT of `ID` (or the count of a COUNT(*)), read through both protocols. */
async function selectNumbers(d: Descriptor, sql: string, params: readonly unknown[]): Promise<number[]> {
  const text = (await queryRows(d, sql, params)).map((r) => Number(r[0]));
  const binary = (await executeRows(d, sql, params)).map((r) => Number(r[0]));
  expect(binary, `binary protocol: ${sql}`).toEqual(text);
  return binary;
}

/** The entity by id through `selectById`, over both protocols. */
async function selectById(d: Descriptor, id: number): Promise<Draft | undefined> {
  const found = await selectEntities(d, d.sql.selectById, [id]);
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0];
}

/** Bind values equal as MySQL compares them here (NULL-safe; no value differs only in case). */
function sameBind(a: unknown, b: unknown): boolean {
  return a === null || b === null ? a === b : String(a) === String(b);
}

/** The Redis form of a row as encodeRow documents it: the JSON of `toRow`, bytes in base64. */
function cachedForm(row: readonly unknown[]): unknown[] {
  return row.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v));
}

/** What `validate` throws for `draft`, or undefined. */
function validationError(d: Descriptor, draft: Draft): unknown {
  try {
    d.validate(draft);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("a real round trip per entity", () => {
  const ID_A = 9_007_199_254_740_000;
  const ID_B = ID_A + 1;
  const ID_C = ID_A + 2;

  it.each(descriptors.map((d) => [d.name, d] as const))("%s", async (_name, d) => {
    const { conn } = dbOf(d);
    const entity = modelOf(d);
    const n = columnNames(d).length;
    const a = draft(d, ID_A, 0);
    const b = draft(d, ID_B, 1);

    // create() applied the defaults; validate() normalised in place.
    for (const [i, f] of entity.fields.entries()) {
      if (i === 0) continue;
      if (f.nullable && f.default === undefined) expect(b[f.name], f.name).toBeNull();
      if (f.type.kind === "set") expect(a[f.name], f.name).toHaveLength((valueFor(f, 0) as unknown[]).length);
    }
    const nullable = entity.fields.filter((f) => f.nullable);
    if (nullable.length > 0) expect(nullable.every((f) => a[f.name] !== null)).toBe(true);
    // Normalising is stable: validating a validated draft changes nothing.
    for (const e of [a, b]) {
      const again = { ...e };
      d.validate(again);
      expect(again).toStrictEqual(e);
    }
    // validate() checks a nullable field only when it is not null, and rejects null elsewhere.
    for (const [i, f] of entity.fields.entries()) {
      if (i === 0) continue;
      const withNull: Draft = { ...a, [f.name]: null };
      const error = validationError(d, withNull);
      if (f.nullable) {
        expect(error, f.name).toBeUndefined();
        expect(withNull[f.name], f.name).toBeNull();
      } else {
        expect(error, f.name).toBeInstanceOf(ValidationError);
        expect([f.name, (error as ValidationError).entity, (error as ValidationError).field]).toEqual([f.name, d.name, f.name]);
      }
    }

    // INSERT both rows in one statement, values bound server-side.
    const [inserted] = await conn.execute<ResultSetHeader>(expandInsert(d.sql.insert, 2), [...d.toRow(a), ...d.toRow(b)] as never[]);
    expect(inserted.affectedRows).toBe(2);

    for (const e of [a, b]) {
      // Text and binary protocol (selectEntities compares them) both give back the draft,
      // float32 columns included (rowFloat32 matches validate()'s normalisation).
      const found = await selectById(d, e.id);
      expect(found, `row ${e.id}`).toStrictEqual(e);
      expect(d.changes(e, found!)).toEqual([]);

      // The Redis form: the JSON of toRow, bytes in base64; decodeRow gives the draft back.
      const cached = encodeRow(d, e);
      expect(JSON.parse(cached)).toEqual(cachedForm(d.toRow(e)));
      expect(encodeRowValues(d, d.toRow(e)), "encodeRowValues (flush)").toBe(cached);
      expect(encodeRow(d, found!), "encodeRow of the row MySQL gave (loaders)").toBe(cached);
      const decoded = decodeRow(d, cached);
      expect(decoded).toStrictEqual(e);
      expect(d.changes(e, decoded)).toEqual([]);
    }
    expect(await selectById(d, 1)).toBeUndefined();
    const differing = entity.fields.flatMap((f, i) => (i > 0 && !sameBind(d.toRow(a)[i], d.toRow(b)[i]) ? [i] : []));
    expect(d.changes(a, b)).toEqual(differing);

    // selectByIds (as is and expanded) / selectAll / selectAllIds return the rows by id.
    expect(await selectEntities(d, d.sql.selectByIds, [ID_B])).toStrictEqual([b]);
    const some = await selectEntities(d, expandIn(d.sql.selectByIds, 3), [ID_B, 42, ID_A]);
    expect(some.map((e) => e.id).sort()).toEqual([ID_A, ID_B]);
    expect(await selectEntities(d, d.sql.selectAll, [])).toStrictEqual([a, b]);
    expect(await selectNumbers(d, d.sql.selectAllIds, [])).toEqual([ID_A, ID_B]);

    // The prefixes, completed with `WHERE …` as search / searchIds / count do.
    expect(await selectEntities(d, `${d.sql.selectFrom}WHERE \`ID\` >= ? ORDER BY \`ID\` LIMIT 1, 1`, [ID_A])).toStrictEqual([b]);
    expect(await selectNumbers(d, `${d.sql.selectIdsFrom}WHERE \`ID\` IN (?, ?) ORDER BY \`ID\``, [ID_B, ID_A])).toEqual([ID_A, ID_B]);
    expect(await selectNumbers(d, `${d.sql.countFrom}WHERE \`ID\` >= ?`, [ID_A])).toEqual([2]);

    // Every index finds exactly the rows holding the looked-up key (NULLs included), by id and
    // by row, as the runtime runs `selectIdsFrom` / `selectFrom` + "WHERE " + where.
    for (const index of d.indexes) {
      for (const e of [a, b]) {
        const key = index.columns.map((c) => d.toRow(e)[c]);
        const label = `${index.name} ${JSON.stringify(key, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`;
        const expected = [a, b].filter((other) => index.columns.every((c, k) => sameBind(d.toRow(other)[c], key[k]))).map((o) => o.id);
        const found = await selectNumbers(d, indexIdsSql(d, index.where), key);
        expect(found, label).toEqual(index.unique ? expected.slice(0, 1) : expected);
        const rows = await selectEntities(d, indexRowsSql(d, index.where), key);
        expect(rows, `${label} rows`).toStrictEqual([a, b].filter((o) => found.includes(o.id)));
      }
    }

    // Columns left out of an INSERT get the DDL defaults, which match create()'s defaults.
    const c = draft(d, ID_C, 2);
    const positions = entity.fields.flatMap((f, i) => (i === 0 || (!f.nullable && f.default === undefined) ? [i] : []));
    const row = d.toRow(c);
    const quoted = positions.map((i) => quote(columnNames(d)[i]!)).join(", ");
    await conn.execute(`INSERT INTO ${quote(d.table)} (${quoted}) VALUES (${marks(positions.length)})`, positions.map((i) => row[i]) as never[]);
    expect(await selectById(d, ID_C)).toStrictEqual(c);

    // DELETE … IN, then UPDATE every column of A to B's values, then one column back, then
    // (as the flush does) exactly the columns changes() reports.
    const [deleted] = await conn.execute<ResultSetHeader>(expandIn(d.sql.deleteByIds, 2), [ID_C, ID_B]);
    expect(deleted.affectedRows).toBe(2);
    expect(await selectById(d, ID_B)).toBeUndefined();
    expect(await selectById(d, ID_C)).toBeUndefined();
    const others = Array.from({ length: n - 1 }, (_, k) => k + 1);
    const aRow = d.toRow(a);
    const bRow = d.toRow(b);
    const [updated] = await conn.execute<ResultSetHeader>(updateSql(d.sql.update, columnNames(d), others), [...others.map((i) => bRow[i]), ID_A] as never[]);
    expect(updated.affectedRows).toBe(1);
    expect(await selectById(d, ID_A)).toStrictEqual({ ...b, id: ID_A });
    const first = entity.fields[1]!;
    await conn.execute(updateSql(d.sql.update, columnNames(d), [1]), [aRow[1], ID_A] as never[]);
    const mixed: Draft = { ...b, id: ID_A, [first.name]: a[first.name] };
    expect(await selectById(d, ID_A)).toStrictEqual(mixed);
    const changed = d.changes(mixed, a);
    expect(changed).toEqual(differing.filter((i) => i !== 1));
    if (changed.length > 0) {
      await conn.execute(updateSql(d.sql.update, columnNames(d), changed), [...changed.map((i) => aRow[i]), ID_A] as never[]);
    }
    expect(await selectById(d, ID_A)).toStrictEqual(a);

    await conn.execute(d.sql.deleteByIds, [ID_A]);
    const [[count]] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${quote(d.table)}`);
    expect(Number(count!.n)).toBe(0);
  });

  it("covers every field type of the DSL somewhere in the example schema", () => {
    const kinds = new Set(model.entities.flatMap((e) => e.fields.map((f) => f.type.kind)));
    expect([...kinds].sort()).toEqual(["bool", "bytes", "date", "datetime", "decimal", "enum", "float", "id", "int", "reference", "set", "text", "varchar"]);
  });
});

describe("float columns", () => {
  // SPEC §5: floats are normalised at validation "so cache, entity and MySQL hold the same value".
  // A MariaDB FLOAT keeps a float32: validate() stores the shortest decimal of the nearest float32
  // and fromRow reads a FLOAT through rowFloat32, so the binary protocol gives that value back.
  const float32Fields = descriptors.flatMap((d) =>
    modelOf(d).fields.flatMap((f, i) => (f.type.kind === "float" && f.type.bits === 32 ? [{ d, f, i }] : [])),
  );
  const INPUTS = [1.2345678, 16777217, 12345.67, 0.1];
  /** What validate() leaves of INPUTS, per field. */
  const NORMALISED: Record<string, number[]> = {
    "Cart.amount": [1.2345678, 16777216, 12345.67, 0.1],
    "OrderLine.discount": [1.23, 16777216, 12345.67, 0.1], // @precision(2) first
  };

  it("the example schema has float32 fields with and without @precision", () => {
    expect(float32Fields.map(({ d, f }) => `${d.name}.${f.name}:${f.precision ?? "-"}`).sort()).toEqual(["Cart.amount:-", "OrderLine.discount:2"]);
  });

  it.each(float32Fields.map((x) => [`${x.d.name}.${x.f.name}`, x] as const))(
    "%s reads back from MariaDB as validate() left it",
    async (label, { d, f, i }) => {
      const { conn } = dbOf(d);
      const mismatches: string[] = [];
      let id = 5_000;
      for (const [k, value] of INPUTS.entries()) {
        const e = d.create(++id, { ...inputFor(modelOf(d), 0), [f.name]: value });
        // Unique columns must differ from row to row.
        for (const u of modelOf(d).fields.filter((x) => x.type.kind === "varchar")) e[u.name] = varchar(Math.min(10, (u.type as { length: number }).length), id % 10);
        d.validate(e);
        expect(e[f.name], `${value}`).toBe(NORMALISED[label]![k]);
        expect(toFloat32(e[f.name] as number)).toBe(e[f.name]);
        await conn.execute(d.sql.insert, d.toRow(e) as never[]);
        // Over the binary protocol, as runtime/mysql-pool.ts reads. (The text protocol prints a
        // FLOAT with 6 significant digits, so no normalisation can make it round-trip exactly.)
        const [row] = await executeRows(d, d.sql.selectById, [e.id]);
        const binary = d.fromRow(row!);
        if (binary[f.name] !== e[f.name]) mismatches.push(`${value}: entity/cache hold ${String(e[f.name])}, MariaDB returns ${String(binary[f.name])}`);
        expect(binary).toStrictEqual(e);
        expect(d.changes(e, binary)).toEqual([]);
        expect(decodeRow(d, encodeRow(d, e))[f.name]).toBe(e[f.name]);
        expect(decodeRow(d, encodeRow(d, binary))).toStrictEqual(e);
        expect(columnNames(d)[i]).toBe(f.column);
      }
      await conn.query(`DELETE FROM ${quote(d.table)}`);
      expect(mismatches).toEqual([]);
    },
  );
});
