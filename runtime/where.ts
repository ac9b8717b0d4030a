/**
 * SQL conditions with `?` placeholders for `search`, `searchIds`, `searchOne` and `count`.
 * Values are always bound; an array value expands its `?` into `?, ?, …` (write `IN (?)`).
 */

/** Paging of a search: page numbers start at 1. */
export interface Pager {
  readonly page: number;
  readonly size: number;
}

/** A condition and its bound values, ready to append after `WHERE`. */
export interface BoundWhere {
  readonly sql: string;
  readonly params: unknown[];
}

/** Expands array parameters and checks the placeholder count; quoted text is left alone. */
export function bindWhere(where: string, params: readonly unknown[]): BoundWhere {
  let sql = "";
  const bound: unknown[] = [];
  let next = 0;
  for (let i = 0; i < where.length; i++) {
    const char = where[i]!;
    if (char === "'" || char === '"' || char === "`") {
      const end = closingQuote(where, i);
      sql += where.slice(i, end + 1);
      i = end;
    } else if (char === "?") {
      if (next >= params.length) throw new RangeError(`the condition has more ? than the ${params.length} value(s) given: ${where}`);
      const value = params[next++];
      if (Array.isArray(value)) {
        sql += value.length === 0 ? "NULL" : value.map(() => "?").join(", ");
        bound.push(...value);
      } else {
        if (value === undefined) throw new TypeError(`value ${next} of the condition is undefined: ${where}`);
        sql += "?";
        bound.push(value);
      }
    } else {
      sql += char;
    }
  }
  if (next !== params.length) throw new RangeError(`the condition has ${next} ? but ${params.length} value(s) were given: ${where}`);
  return { sql, params: bound };
}

/** ` LIMIT offset, size` for a pager (integers only, so they can be written inline). */
export function limitClause(pager: Pager | undefined): string {
  if (pager === undefined) return "";
  const { page, size } = pager;
  if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`a pager needs a page ≥ 1 and a size ≥ 1, got page ${page}, size ${size}`);
  }
  return ` LIMIT ${(page - 1) * size}, ${size}`;
}

function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) {
      if (text[i + 1] === quote) i++;
      else return i;
    }
  }
  return text.length - 1;
}
