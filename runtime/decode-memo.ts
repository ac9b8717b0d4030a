/**
 * The last decoded Redis row per id. A row read again unchanged (same text) is not parsed,
 * converted and frozen again: the frozen entity decoded last time is returned. Compared by
 * content, it can never return stale data; it only saves CPU. Two generations bound its size.
 */
interface Decoded<V> {
  readonly text: string;
  readonly value: V;
}

export class DecodeMemo<V> {
  private current = new Map<number, Decoded<V>>();
  private previous = new Map<number, Decoded<V>>();

  constructor(private readonly capacity: number) {}

  /** The value decoded from exactly `text` for `id`, if it is still remembered. */
  get(id: number, text: string): V | undefined {
    const hit = this.current.get(id) ?? this.previous.get(id);
    return hit !== undefined && hit.text === text ? hit.value : undefined;
  }

  set(id: number, text: string, value: V): void {
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(id, { text, value });
  }
}
