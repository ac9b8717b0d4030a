/**
 * Decoded Redis rows by their exact text. A row read again unchanged is not parsed, converted and
 * frozen again: the frozen entity decoded last time is returned. Keyed by content, it can never
 * return stale data; it only saves CPU. Two generations bound its size.
 */
export class DecodeMemo<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(text: string): V | undefined {
    const hit = this.current.get(text);
    if (hit !== undefined) return hit;
    const old = this.previous.get(text);
    if (old !== undefined) this.set(text, old);
    return old;
  }

  set(text: string, value: V): void {
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(text, value);
  }
}
