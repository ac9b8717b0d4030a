// Formatting of the benchmark table.

export const fmtMs = (ms) => (ms === undefined ? "—" : ms >= 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
export const fmtInt = (n) => (n === undefined ? "—" : n.toLocaleString("en-US"));
export const fmtBytes = (b) =>
  b === undefined ? "—" : b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : b >= 1e3 ? `${(b / 1e3).toFixed(1)} kB` : `${b} B`;
export const fmtRatio = (r) => (r === undefined || !Number.isFinite(r) ? "—" : `${r.toFixed(2)}×`);

export const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

/** "PASS" / "MISS" when `value` is known and a target applies, "" when no target, "n/a" when unmeasured. */
export function verdict(value, max) {
  if (max === undefined) return "";
  if (value === undefined) return "n/a";
  return value <= max ? "PASS" : "MISS";
}

/** Prints rows `[figure, beeorm, prisma, ratio, target, result]` as an aligned table. */
export function printTable(rows) {
  const head = ["figure", "beeorm", "prisma", "ratio", "target", "result"];
  const all = [head, ...rows.map((r) => r.map((c) => c ?? ""))];
  const w = head.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) =>
    r
      .map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i])))
      .join("  ")
      .trimEnd();
  console.log(line(head));
  console.log(w.map((n) => "-".repeat(n)).join("  "));
  for (const r of rows) console.log(line(r.map((c) => c ?? "")));
}
