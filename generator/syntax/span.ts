/** A range of source text: `file` indexes the sorted sources, `start`/`end` are UTF-16 offsets. */
export interface Span {
  readonly file: number;
  readonly start: number;
  readonly end: number;
}
