/**
 * The formatter parses with oxc where its native binding loads and with babel-ts elsewhere: both
 * must give the same bytes, or output would depend on the platform. Checked on every committed
 * generated file (each is already formatted, so both parsers must also leave it unchanged) and on
 * unformatted input.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createFormatter, loadFormatter, PRETTIER_OPTIONS } from "../../generator/emit/format.js";

const GENERATED = fileURLToPath(new URL("../../generated/", import.meta.url));

describe("formatter", () => {
  it("oxc-ts and babel-ts give identical bytes on every generated file", async () => {
    const [oxc, babel] = await Promise.all([createFormatter("oxc-ts"), createFormatter("babel-ts")]);
    const files = readdirSync(GENERATED).filter((name) => name.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(5);
    for (const name of files) {
      const text = readFileSync(join(GENERATED, name), "utf8");
      expect(await oxc(text), name).toBe(text);
      expect(await babel(text), name).toBe(text);
    }
  });

  it("both format unformatted code the same way", async () => {
    const [oxc, babel] = await Promise.all([createFormatter("oxc-ts"), createFormatter("babel-ts")]);
    const messy = `export const x = {a:1,'b':[1,2,3], c(){return 'q'}}\ninterface I{/** doc */ a?:string|null}\nexport class R extends Base<A,B>{ get(k:string):Promise<A|undefined>{return this.find(0,[k])} }\n`;
    const expected = `export const x = {
  a: 1,
  b: [1, 2, 3],
  c() {
    return "q";
  },
};
interface I {
  /** doc */ a?: string | null;
}
export class R extends Base<A, B> {
  get(k: string): Promise<A | undefined> {
    return this.find(0, [k]);
  }
}
`;
    expect(await babel(messy)).toBe(expected);
    expect(await oxc(messy)).toBe(expected);
  });

  it("the oxc parser loads here, and the formatter keeps the fixed options", async () => {
    const format = await loadFormatter();
    expect(await format("const a = {b:1}")).toBe("const a = { b: 1 };\n");
    await expect(createFormatter("oxc-ts")).resolves.toBeTypeOf("function");
    expect(PRETTIER_OPTIONS).toMatchObject({ printWidth: 100, singleQuote: false, trailingComma: "all" });
  });
});
