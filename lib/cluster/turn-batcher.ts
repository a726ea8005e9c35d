import { NatsConnectionLike } from './nats-port';

/** Where one outgoing NATS message goes. */
export interface BatchAddress {
  readonly subject: string;
  readonly reply?: string;
}

/** How a `TurnBatcher`'s user addresses what it sends, and hears of what could not be sent. */
export interface BatchRoute<T> {
  /**
   * The address of `items` (queued under `key`, in order): one item travels as a plain message,
   * several as one batch envelope (`encodeBatch`).
   */
  address(key: string, items: readonly T[]): BatchAddress;
  /** Whether `item` is still worth sending (e.g. a call not cancelled meanwhile); default yes. */
  wanted?(item: T): boolean;
  /** Publishing failed (the connection closed under us): fail or forget `items`. */
  failed(items: readonly T[], err: unknown): void;
}

/** Bytes of a batch envelope around its entries: the marker byte. */
const BATCH_MARKER = 0x40; // '@'
/** Bytes each entry adds to a batch: its length, 4 bytes big-endian. */
const ENTRY_HEADER = 4;
/** Room kept under max_payload for the NATS protocol line and headers. */
const PAYLOAD_HEADROOM = 256;

/** Work a `TurnBatcher` runs at the end of the turn it was handed over in (`afterTurn`). */
export interface TurnEndTask {
  endOfTurn(): void;
}

interface Queued<T> {
  readonly bytes: Uint8Array;
  readonly item: T;
}

/**
 * Coalesces cluster messages bound for the same place in one event-loop turn into one NATS
 * message (a batch envelope): calls to one actor subject, reply frames to one caller's inbox.
 * Everything queued goes out at the end of the turn (`setImmediate`, never a timer), so a lone
 * message pays no wait beyond the turn and travels unbatched, exactly as it would alone. Batches
 * are split to stay under the server's `max_payload`; order per key is kept.
 *
 * Other end-of-turn work of the same side (`afterTurn`: reply sinks pumping what their producers
 * queued, "started here" frames) runs in that same `setImmediate`, just before the flush: one
 * immediate per turn however many calls it served, and what that work sends leaves in this turn.
 */
export class TurnBatcher<T> {
  private readonly queues = new Map<string, Queued<T>[]>();
  private readonly tasks: TurnEndTask[] = [];
  private scheduled = false;
  private readonly endOfTurn = (): void => this.endTurn();

  constructor(
    private readonly link: NatsConnectionLike,
    private readonly route: BatchRoute<T>,
  ) {}

  /** Queues `bytes` (one complete message, as it would travel alone) for `key`. */
  add(key: string, bytes: Uint8Array, item: T): void {
    const queue = this.queues.get(key);
    if (queue) queue.push({ bytes, item });
    else this.queues.set(key, [{ bytes, item }]);
    this.schedule();
  }

  /** Runs `task.endOfTurn()` at the end of this event-loop turn, before what is queued then goes out. */
  afterTurn(task: TurnEndTask): void {
    this.tasks.push(task);
    this.schedule();
  }

  /** Sends everything queued now (end-of-turn tasks still wait for the end of the turn). */
  flush(): void {
    if (this.queues.size === 0) return;
    const limit = (this.link.info?.max_payload ?? Number.MAX_SAFE_INTEGER) - PAYLOAD_HEADROOM;
    const wanted = this.route.wanted;
    // What is queued now: a message queued while these go out (e.g. a call re-sent from a failure
    // handler) waits for the next flush.
    const queues = [...this.queues];
    this.queues.clear();
    for (const [key, queued] of queues) {
      if (queued.length === 1) {
        // The common case (a lone call or reply): no batch to build.
        if (!wanted || wanted(queued[0]!.item)) this.publish(key, queued);
        continue;
      }
      const live = wanted ? queued.filter((entry) => wanted(entry.item)) : queued;
      let chunk: Queued<T>[] = [];
      let size = 1;
      for (const entry of live) {
        const grows = ENTRY_HEADER + entry.bytes.length;
        if (chunk.length > 0 && size + grows > limit) {
          this.publish(key, chunk);
          chunk = [];
          size = 1;
        }
        chunk.push(entry);
        size += grows;
      }
      if (chunk.length > 0) this.publish(key, chunk);
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.endOfTurn);
  }

  private endTurn(): void {
    try {
      // Tasks may queue messages (and more tasks): all of them go out now, with no new immediate.
      for (let i = 0; i < this.tasks.length; i++) this.tasks[i]!.endOfTurn();
    } finally {
      this.tasks.length = 0;
      this.scheduled = false;
      this.flush();
    }
  }

  private publish(key: string, chunk: readonly Queued<T>[]): void {
    const items = chunk.map((entry) => entry.item);
    try {
      const { subject, reply } = this.route.address(key, items);
      const data = chunk.length === 1 ? chunk[0]!.bytes : encodeBatch(chunk.map((entry) => entry.bytes));
      this.link.publish(subject, data, reply === undefined ? undefined : { reply });
    } catch (err) {
      this.route.failed(items, err);
    }
  }
}

/** One NATS message holding several cluster messages: `@`, then per entry its length (u32 BE) and bytes. */
export function encodeBatch(entries: readonly Uint8Array[]): Uint8Array {
  let size = 1;
  for (const entry of entries) size += ENTRY_HEADER + entry.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = BATCH_MARKER;
  let at = 1;
  for (const entry of entries) {
    view.setUint32(at, entry.length);
    out.set(entry, at + ENTRY_HEADER);
    at += ENTRY_HEADER + entry.length;
  }
  return out;
}

/**
 * The cluster messages in one NATS message: the entries of a batch envelope, else the message
 * itself. A truncated envelope yields the entries that are whole.
 */
export function decodeBatch(data: Uint8Array): Uint8Array[] {
  if (data[0] !== BATCH_MARKER) return [data];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const entries: Uint8Array[] = [];
  let at = 1;
  while (at + ENTRY_HEADER <= data.length) {
    const length = view.getUint32(at);
    const end = at + ENTRY_HEADER + length;
    if (end > data.length) break;
    entries.push(data.subarray(at + ENTRY_HEADER, end));
    at = end;
  }
  return entries;
}
