import { performance } from 'node:perf_hooks';

/**
 * Something with a deadline, linked into a `DeadlineTimers` list (the fields are the list's; an
 * entry is in at most one list at a time).
 */
export interface DeadlineEntry {
  /** When it is due, `performance.now()` ms. */
  dueAt: number;
  /** The list it is waiting in, if any. */
  dueList: DeadlineList | undefined;
  dueBefore: DeadlineEntry | undefined;
  dueAfter: DeadlineEntry | undefined;
  /** Called once when the deadline passes (the entry is already out of its list). */
  expireDue(): void;
}

/** Timers fire on libuv's millisecond clock; an entry this close to its deadline is due. */
const CLOCK_SLACK_MS = 1;

/**
 * The entries waiting with one same delay, in deadline order (the order they were added, as
 * they all wait the same time), under ONE Node timer armed for the earliest. Adding and removing
 * are O(1) pointer updates: no timer object per call, no timer-list insert and cancel per call.
 * The timer is re-armed only when it fires; while the list is empty it is unref'd, so an idle
 * list never keeps the process alive (a non-empty one does, as one timer per call would).
 */
export class DeadlineList {
  private head: DeadlineEntry | undefined;
  private tail: DeadlineEntry | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly onEmptyFire: (list: DeadlineList) => void,
  ) {}

  /** Appends `entry`, due `delayMs` from now. */
  add(entry: DeadlineEntry): void {
    entry.dueAt = performance.now() + this.delayMs;
    entry.dueList = this;
    entry.dueBefore = this.tail;
    entry.dueAfter = undefined;
    if (this.tail) this.tail.dueAfter = entry;
    else this.head = entry;
    this.tail = entry;
    if (!this.timer) this.timer = setTimeout(this.fire, this.delayMs);
    else if (this.head === entry) this.timer.ref(); // armed no later than this entry's deadline
  }

  /** Takes `entry` out (it settled before its deadline). */
  remove(entry: DeadlineEntry): void {
    if (entry.dueList !== this) return;
    this.unlink(entry);
    if (!this.head) this.timer?.unref();
  }

  private unlink(entry: DeadlineEntry): void {
    if (entry.dueBefore) entry.dueBefore.dueAfter = entry.dueAfter;
    else this.head = entry.dueAfter;
    if (entry.dueAfter) entry.dueAfter.dueBefore = entry.dueBefore;
    else this.tail = entry.dueBefore;
    entry.dueList = entry.dueBefore = entry.dueAfter = undefined;
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    for (let entry = this.head; entry && entry.dueAt <= now + CLOCK_SLACK_MS; entry = this.head) {
      this.unlink(entry);
      entry.expireDue();
    }
    if (this.head) {
      if (this.timer) clearTimeout(this.timer); // an expiry added to this list: arm for the earliest instead
      this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(this.head.dueAt - performance.now())));
    } else {
      this.onEmptyFire(this);
    }
  };
}

/**
 * Deadlines of in-flight calls, one `DeadlineList` (one Node timer) per distinct delay: a server
 * whose callers all use the default timeout runs a single timer for every call in flight.
 * Lists whose timer fires while empty are forgotten, so odd delays do not accumulate.
 */
export class DeadlineTimers {
  private readonly lists = new Map<number, DeadlineList>();

  /** Starts waiting: `entry.expireDue()` runs once `delayMs` have passed, unless removed first. */
  add(entry: DeadlineEntry, delayMs: number): void {
    let list = this.lists.get(delayMs);
    if (!list) {
      list = new DeadlineList(delayMs, (empty) => {
        if (this.lists.get(delayMs) === empty) this.lists.delete(delayMs);
      });
      this.lists.set(delayMs, list);
    }
    list.add(entry);
  }

  /** Stops waiting (no-op when `entry` is not waiting). */
  remove(entry: DeadlineEntry): void {
    entry.dueList?.remove(entry);
  }
}

/** The process's deadline timers (in-process asks and IPC calls share them). */
export const deadlineTimers = new DeadlineTimers();
