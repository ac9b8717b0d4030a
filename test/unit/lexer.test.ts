import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../generator/diagnostics/diagnostic.js";
import { lex } from "../../generator/syntax/lexer.js";

function tokens(text: string) {
  const bag = new DiagnosticBag();
  const list = lex(text, 0, bag);
  return { list, diagnostics: bag.sorted() };
}

describe("lexer", () => {
  it("splits names, strings, numbers and punctuation, ending with EOF", () => {
    const { list, diagnostics } = tokens('entity Car @table("cars") { a int32? @default(-5) b decimal(10, 2.5) @@index([a], name: "n") }');
    expect(diagnostics).toEqual([]);
    expect(list.map((t) => t.kind)).toEqual([
      "Identifier", "Identifier", "@", "Identifier", "(", "String", ")", "{",
      "Identifier", "Identifier", "?", "@", "Identifier", "(", "Number", ")",
      "Identifier", "Identifier", "(", "Number", ",", "Number", ")",
      "@@", "Identifier", "(", "[", "Identifier", "]", ",", "Identifier", ":", "String", ")", "}", "EOF",
    ]);
    expect(list.filter((t) => t.kind === "Number").map((t) => t.value)).toEqual(["-5", "10", "2.5"]);
    expect(list.find((t) => t.kind === "String")?.value).toBe("cars");
  });

  it("records offsets and line breaks", () => {
    const { list } = tokens("enum E {\r\n  a\n}");
    expect(list.map((t) => [t.kind, t.start, t.end, t.newlineBefore])).toEqual([
      ["Identifier", 0, 4, true],
      ["Identifier", 5, 6, false],
      ["{", 7, 8, false],
      ["Identifier", 12, 13, true],
      ["}", 14, 15, true],
      ["EOF", 15, 15, false],
    ]);
  });

  it("attaches consecutive /// lines to the next token and skips // comments", () => {
    const { list } = tokens("// plain\n/// First line.\n///   Second line.  \n// between\nentity X {\n//// not a doc\n  a int8 }");
    expect(list[0]?.value).toBe("entity");
    expect(list[0]?.doc).toBe("First line.\nSecond line.");
    expect(list.find((t) => t.value === "a")?.doc).toBeUndefined();
  });

  it("starts a new doc comment after a blank line, with any line breaks", () => {
    const { list } = tokens("/// Lost.\r\n\r\n/// Kept.\r\n/// Too.\r\nentity");
    expect(list[0]?.doc).toBe("Kept.\nToo.");
  });

  it("unescapes \\\" and \\\\ in strings", () => {
    const { list, diagnostics } = tokens('"say \\"hi\\" \\\\ bye"');
    expect(diagnostics).toEqual([]);
    expect(list[0]?.value).toBe('say "hi" \\ bye');
  });

  it("reports other escapes, keeping the text", () => {
    const { list, diagnostics } = tokens('"a\\nb"');
    expect(diagnostics.map((d) => [d.code, d.span.start, d.span.end])).toEqual([["E0003", 2, 4]]);
    expect(list[0]?.value).toBe("a\\nb");
  });

  it("reports an unterminated string up to the end of its line and goes on", () => {
    const { list, diagnostics } = tokens('@table("cars\nentity');
    expect(diagnostics.map((d) => [d.code, d.span.start, d.span.end])).toEqual([["E0002", 7, 12]]);
    expect(list.map((t) => t.kind)).toEqual(["@", "Identifier", "(", "String", "Identifier", "EOF"]);
    expect(list[3]?.value).toBe("cars");
  });

  it("reports a run of invalid characters once, counting a surrogate pair as one character", () => {
    const { list, diagnostics } = tokens("a §§ b 😀 c");
    expect(diagnostics.map((d) => [d.code, d.message, d.span.start, d.span.end])).toEqual([
      ["E0001", 'invalid characters "§§"', 2, 4],
      ["E0001", 'invalid character "😀"', 7, 9],
    ]);
    expect(list.map((t) => t.value)).toEqual(["a", "b", "c", ""]);
  });

  it("names control characters by code point", () => {
    const { diagnostics } = tokens("a \u0007 b");
    expect(diagnostics[0]?.message).toBe("invalid character U+0007");
  });

  it("rejects numbers glued to letters or dots, and a lone minus", () => {
    const { diagnostics } = tokens("12abc 1.2.3 - 5");
    expect(diagnostics.map((d) => [d.code, d.span.start, d.span.end])).toEqual([
      ["E0004", 0, 5],
      ["E0004", 6, 11],
      ["E0001", 12, 13],
    ]);
  });

  it("skips a byte order mark and lexes an empty file to EOF", () => {
    expect(tokens("\uFEFFenum").list[0]).toMatchObject({ kind: "Identifier", start: 1, end: 5 });
    expect(tokens("").list.map((t) => t.kind)).toEqual(["EOF"]);
  });
});
