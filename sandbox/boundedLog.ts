/**
 * An append-only list that forgets its oldest entries past `capacity`, so a sandbox left running for
 * days (`npm start`) does not grow without bound.
 */
export class BoundedLog<T> {
  private entries: T[] = [];
  constructor(private readonly capacity = 10_000) {}

  push(entry: T): T {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }

  list(): T[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
