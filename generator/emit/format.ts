/**
 * prettier with the options fixed in code (a user's prettier configuration never changes the
 * output). It parses with oxc where its native parser loads (@prettier/plugin-oxc: a cold run
 * formats about 15% faster, as babel's parser is not yet optimised by then) and with babel-ts
 * elsewhere. Both parsers give the same bytes — a test formats the example schema's output both
 * ways — so a platform without the native binding only formats slower.
 */
import type { Options, Plugin } from "prettier";

/** The only prettier options generated code is formatted with. */
export const PRETTIER_OPTIONS: Options = {
  parser: "babel-ts",
  printWidth: 100,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  quoteProps: "as-needed",
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  endOfLine: "lf",
  proseWrap: "preserve",
};

export type Format = (text: string) => Promise<string>;
export type Parser = "oxc-ts" | "babel-ts";

let fastest: Promise<Format> | undefined;

/** The formatter of this thread, with the fastest parser that loads. */
export function loadFormatter(): Promise<Format> {
  fastest ??= createFormatter("oxc-ts").catch(() => createFormatter("babel-ts"));
  return fastest;
}

/** A formatter with the given parser; rejects when it does not load here. */
export async function createFormatter(parser: Parser): Promise<Format> {
  const prettier = await import("prettier");
  let options = PRETTIER_OPTIONS;
  if (parser === "oxc-ts") {
    const oxc = (await import("@prettier/plugin-oxc")) as Plugin;
    options = { ...PRETTIER_OPTIONS, parser, plugins: [oxc] };
    await prettier.format("", options); // fails here, not on the first unit, if the binding is unusable
  }
  return (text) => prettier.format(text, options);
}
