/** What an argument must be. */
export type ArgumentKind = "string" | "number" | "name" | "list" | "value";

/** The shape of an attribute's arguments. */
export interface AttributeSpec {
  /** How the attribute is written, shown in notes. */
  readonly usage: string;
  /** Kinds of the positional arguments, in order. */
  readonly positional: readonly ArgumentKind[];
  /** How many positional arguments are required. */
  readonly required: number;
  readonly named?: Readonly<Record<string, ArgumentKind>>;
  /** Bare names accepted as options, e.g. `cached`. */
  readonly flags?: readonly string[];
}

const bare = (usage: string): AttributeSpec => ({ usage, positional: [], required: 0 });

/** `entity X @name… {`. */
export const ENTITY_ATTRIBUTES: ReadonlyMap<string, AttributeSpec> = new Map([
  ["table", { usage: '@table("name")', positional: ["string"], required: 1 }],
  ["mysql", { usage: '@mysql("pool")', positional: ["string"], required: 1 }],
  ["redisCache", { usage: '@redisCache or @redisCache("pool")', positional: ["string"], required: 0 }],
  ["localCache", { usage: "@localCache or @localCache(limit)", positional: ["number"], required: 0 }],
  ["cacheAll", bare("@cacheAll")],
  ["asyncQueue", { usage: '@asyncQueue("name")', positional: ["string"], required: 1 }],
  ["log", { usage: '@log or @log("pool")', positional: ["string"], required: 0 }],
] satisfies [string, AttributeSpec][]);

/** `field Type @name…`. */
export const FIELD_ATTRIBUTES: ReadonlyMap<string, AttributeSpec> = new Map([
  ["unique", bare("@unique")],
  ["index", bare("@index")],
  ["cached", bare("@cached")],
  ["default", { usage: "@default(value)", positional: ["value"], required: 1 }],
  ["precision", { usage: "@precision(digits)", positional: ["number"], required: 1 }],
  ["unsigned", bare("@unsigned")],
  ["column", { usage: '@column("Name")', positional: ["string"], required: 1 }],
  ["size", { usage: "@size(medium) or @size(long)", positional: ["name"], required: 1 }],
] satisfies [string, AttributeSpec][]);

const blockIndex = (name: string): AttributeSpec => ({
  usage: `@@${name}([field1, field2], name: "Name", cached)`,
  positional: ["list"],
  required: 1,
  named: { name: "string" },
  flags: ["cached"],
});

/** `@@name(…)` inside an entity body. */
export const BLOCK_ATTRIBUTES: ReadonlyMap<string, AttributeSpec> = new Map([
  ["unique", blockIndex("unique")],
  ["index", blockIndex("index")],
]);
