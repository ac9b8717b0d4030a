/**
 * Spelling suggestions, after graphql-js `suggestionList`: options within a lexical distance of
 * about 40% of the input's length, best first. A difference in case alone counts as one edit.
 */
export function suggestionList(input: string, options: Iterable<string>): string[] {
  const inputLower = input.toLowerCase();
  const threshold = Math.floor(input.length * 0.4) + 1;
  const distances = new Map<string, number>();
  for (const option of options) {
    if (option === input || distances.has(option) || Math.abs(option.length - input.length) > threshold) continue;
    const optionLower = option.toLowerCase();
    const distance = optionLower === inputLower ? 1 : lexicalDistance(inputLower, optionLower, threshold);
    if (distance <= threshold) distances.set(option, distance);
  }
  return [...distances.keys()].sort((a, b) => {
    const byDistance = (distances.get(a) ?? 0) - (distances.get(b) ?? 0);
    return byDistance !== 0 ? byDistance : a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The best suggestion for `input` among `options`, if any is close enough. */
export function didYouMean(input: string, options: Iterable<string>): string | undefined {
  return suggestionList(input, options)[0];
}

/** Rows reused across calls, so a distance allocates nothing. */
let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions),
 * giving up early with `threshold + 1` once the distance must exceed `threshold`.
 */
function lexicalDistance(a: string, b: string, threshold: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > threshold) return threshold + 1;
  if (rows[0].length <= b.length) rows = [new Int32Array(b.length + 1), new Int32Array(b.length + 1), new Int32Array(b.length + 1)];
  let [prevPrev, prev, row] = rows;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cb = b.charCodeAt(j - 1);
      let best = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        best = Math.min(best, (prevPrev[j - 2] ?? 0) + 1);
      }
      row[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > threshold) return threshold + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return prev[b.length] ?? threshold + 1;
}
