/**
 * A first-in first-out queue with O(1) push and shift (a growable ring buffer), for mailboxes
 * where `Array.prototype.shift` would copy the backlog on every message.
 */
export class FifoQueue<T> {
  // Starts small: keyed actors hold one mailbox per idle activation (it grows by doubling).
  private items: (T | undefined)[] = new Array(2);
  private head = 0;
  private count = 0;

  /** Number of queued items. */
  get size(): number {
    return this.count;
  }

  /** Appends at the tail. */
  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    // A wrap by comparison, not `%` (an integer division on every message).
    const tail = this.head + this.count;
    this.items[tail < this.items.length ? tail : tail - this.items.length] = item;
    this.count++;
  }

  /** The head item, without removing it; `undefined` when empty. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** Removes and returns the head item; `undefined` when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = this.head + 1 === this.items.length ? 0 : this.head + 1;
    this.count--;
    return item;
  }

  /** Removes and returns everything, in order. */
  drain(): T[] {
    const all: T[] = [];
    while (this.count > 0) all.push(this.shift()!);
    return all;
  }

  private grow(): void {
    const bigger: (T | undefined)[] = new Array(this.items.length * 2);
    for (let i = 0; i < this.count; i++) bigger[i] = this.items[(this.head + i) % this.items.length];
    this.items = bigger;
    this.head = 0;
  }
}
