/** JavaScript and TypeScript reserved words and type keywords. */
const KEYWORDS = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await async any unknown never object " +
    "symbol bigint boolean number string undefined type declare namespace module readonly keyof infer is asserts " +
    "abstract as satisfies accessor override unique global require constructor get set of from"
  ).split(" "),
);

/** Globals and utility types that generated code uses and a declaration would shadow. */
const GLOBALS = new Set(
  (
    "Object Function Array Number String Boolean Symbol BigInt Date RegExp Error EvalError RangeError " +
    "ReferenceError SyntaxError TypeError URIError AggregateError Map Set WeakMap WeakSet WeakRef Promise Proxy " +
    "Reflect JSON Math Intl ArrayBuffer SharedArrayBuffer DataView Atomics Int8Array Uint8Array Uint8ClampedArray " +
    "Int16Array Uint16Array Int32Array Uint32Array Float32Array Float64Array BigInt64Array BigUint64Array Iterator " +
    "Generator AsyncIterator globalThis NaN Infinity console process Buffer URL TextEncoder TextDecoder " +
    "AbortController AbortSignal Record Partial Required Readonly Pick Omit Exclude Extract NonNullable ReturnType " +
    "Parameters InstanceType Awaited PromiseLike ArrayLike Iterable ReadonlyArray ReadonlyMap ReadonlySet"
  ).split(" "),
);

/** Names generated code imports from the runtime or declares in index.ts. */
const GENERATED = new Set(
  (
    "Engine EngineOptions Orm OrmContext Repository EntityDescriptor SchemaDescriptor Frozen schema " +
    "createEngine ValidationError DuplicateKeyError QueryError"
  ).split(" "),
);

/** Members of a context (`orm.flush()`…): an entity's repository property must not shadow them. */
const CONTEXT_MEMBERS = new Set(["flush", "flushAsync", "clear", "isDirty", "setMeta", "meta", "engine", "tracked", "track"]);

/** Suffixes of the names generated for each entity. */
const GENERATED_SUFFIXES = ["Draft", "Input", "Repository"];

/** Field names the generated entity objects cannot carry. */
const FIELD_NAMES = new Set(["id", "__proto__", "constructor"]);

/** Why `name` cannot name an entity or an enum, or undefined when it can. */
export function reservedDeclarationName(name: string, scalarTypes: ReadonlySet<string>): string | undefined {
  if (KEYWORDS.has(name)) return `"${name}" is a reserved word in TypeScript`;
  if (GLOBALS.has(name)) return `"${name}" would shadow the global ${name} in generated code`;
  if (scalarTypes.has(name)) return `"${name}" is a built-in type`;
  if (GENERATED.has(name)) return `"${name}" is a name the generated code already uses`;
  const property = name[0]!.toLowerCase() + name.slice(1);
  if (CONTEXT_MEMBERS.has(property)) return `its repository would be \`orm.${property}\`, which is already a method of the context`;
  const suffix = GENERATED_SUFFIXES.find((s) => name.endsWith(s) && name.length > s.length);
  if (suffix !== undefined) return `names ending in "${suffix}" are kept for the names generated per entity (e.g. \`Category${suffix}\`)`;
  return undefined;
}

/** Whether `name` is reserved as a field name. */
export function isReservedFieldName(name: string): boolean {
  return FIELD_NAMES.has(name);
}
