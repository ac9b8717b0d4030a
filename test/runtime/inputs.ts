/** Valid inputs of the fixture's entities, shared by the runtime tests. */
import type { EverythingInput } from "../fixtures/matrix/generated/index.js";

/** A valid Everything (every required field set, nullable ones left out). */
export function everythingInput(parent: number): EverythingInput {
  return {
    flag: true,
    i8: 1,
    i16: 1,
    i24: 1,
    i32: 1,
    i64: 1n,
    u8: 1,
    u16: 1,
    u24: 1,
    u32: 1,
    u64: 1n,
    f32: 1.5,
    f64: 1.5,
    f64Raw: 1.5,
    dec: 1.5,
    decU: 1.5,
    vc: "ok",
    str: "ok",
    txt: "ok",
    day: new Date("2024-01-02T00:00:00Z"),
    at: new Date("2024-01-02T03:04:05Z"),
    createdAt: new Date("2024-01-02T03:04:05Z"),
    blob: Uint8Array.of(1, 2, 3),
    flags: ["a"],
    parent,
  };
}
