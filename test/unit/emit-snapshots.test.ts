/**
 * Golden output of the emitter for three small schemas compiled from inline `.bee` text: every
 * scalar type; enums, sets, quoted values and defaults; references, indexes, pools and env urls.
 * Each output file is compared with `__snapshots__/<case>/<file>` (`vitest -u` rewrites them;
 * read the diff before committing).
 */
import { describe, expect, it } from "vitest";
import { compileSchema, renderDiagnostics } from "../../generator/compile.js";
import { emitSchema } from "../../generator/emit/emit-schema.js";
import type { SchemaModel } from "../../generator/model.js";

interface Case {
  readonly name: string;
  readonly files: Record<string, string>;
}

const SCALARS: Case = {
  name: "scalars",
  files: {
    "scalars.bee": `// Every scalar type of the DSL.

/// One column of each scalar type, required and nullable.
entity Scalars {
  flag       bool
  flagOpt    bool?
  i8         int8
  i16        int16
  i24        int24
  i32        int32
  i64        int64
  u8         uint8
  u16        uint16
  u24        uint24
  u32        uint32
  u64        uint64?
  f32        float32   @unsigned
  f64        float64?  @precision(3)
  /// Money: two digits after the point.
  money      decimal(10, 2) @unsigned
  ratio      decimal(5, 4)?
  short      varchar(20)
  plain      string
  body       text?
  day        date
  moment     datetime?
  small      bytes?
  mediumData bytes?    @size(medium)
  longData   bytes     @size(long)
}
`,
  },
};

const ENUMS: Case = {
  name: "enums",
  files: {
    "enums.bee": `enum Color { red green blue }

/// Film ratings; quoted because they are not identifiers.
enum Rating { "G", "PG", "PG-13", "NC-17", "Deleted Scenes" }

enum Quote { plain "it's" "back\\\\slash" "say \\"hi\\"" }

/// A film with every kind of default.
entity Film @table("films") {
  color     Color                              // required enum: defaults to red
  rating    Rating        @default("PG-13")
  colors    Color[]       @default([blue, red])
  palette   Color[]
  maybe     Rating?
  quoted    Quote         @default("it's")
  moods     Quote[]?
  title     varchar(50)   @default("Untitled \\"draft\\"")
  count     int32         @default(-5)
  big       int64         @default(-9007199254740993)
  price     decimal(8, 3) @default(1.5)
  active    bool          @default(true)
  weight    float64       @default(0.25)
  day       date          @default("2020-02-29")
  moment    datetime      @default("2020-02-29 13:14:15")
}
`,
  },
};

const RELATIONS: Case = {
  name: "relations",
  files: {
    "pools.bee": `mysql default { url = "mysql://root@127.0.0.1:3306/library" }
/// Loans and logs live apart.
mysql logs { url = env("LIBRARY_LOGS_URL") }
redis default { url = env("LIBRARY_REDIS_URL", "redis://127.0.0.1:6379/0"), namespace = "lib" }
redis hot { url = "redis://127.0.0.1:6379/2" }
`,
    "library.bee": `/// Someone who writes books.
entity Author @redisCache @localCache(100) @cacheAll {
  name   varchar(100)  @unique @cached
  email  varchar(190)? @index
}

entity Book @redisCache("hot") @log("logs") @asyncQueue("books") {
  author    Author      @cached
  coAuthor  Author?
  title     varchar(200)
  isbn      varchar(13) @unique @column("ISBN")
  published date?
  @@unique([author, title], name: "AuthorTitle", cached)
  @@index([published, title], name: "ByDate")
}

entity Loan @mysql("logs") @table("loans") @localCache {
  book   Book
  since  datetime @index @cached
}
`,
  },
};

function compile(c: Case): SchemaModel {
  const sources = Object.entries(c.files).map(([name, text]) => ({ path: `${c.name}/${name}`, name, text }));
  const { model, diagnostics } = compileSchema(sources);
  if (model === undefined) throw new Error(`case ${c.name} does not compile:\n${renderDiagnostics(diagnostics, sources)}`);
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return model;
}

describe.each([SCALARS, ENUMS, RELATIONS])("emitter output: $name", (c) => {
  it("matches the snapshot files", async () => {
    const files = await emitSchema(compile(c), { schemaLabel: c.name });
    expect([...files.keys()]).toEqual([...files.keys()].sort());
    for (const [path, text] of files) {
      await expect(text, path).toMatchFileSnapshot(`./__snapshots__/${c.name}/${path}`);
    }
  });

  it("is deterministic: a second emission is byte-identical", async () => {
    const model = compile(c);
    const first = await emitSchema(model, { schemaLabel: c.name });
    const second = await emitSchema(compile(c), { schemaLabel: c.name });
    expect(second).toEqual(first);
  });
});

it("the snapshot cases produce the files a reader expects", async () => {
  const names = async (c: Case): Promise<string[]> => [...(await emitSchema(compile(c), { schemaLabel: c.name })).keys()];
  expect(await names(SCALARS)).toEqual(["consumer.ts", "index.ts", "scalars.ts", "schema.sql"]);
  expect(await names(ENUMS)).toEqual(["consumer.ts", "enums.ts", "film.ts", "index.ts", "schema.sql"]);
  expect(await names(RELATIONS)).toEqual(["author.ts", "book.ts", "consumer.ts", "index.ts", "loan.ts", "schema.sql"]);
});
