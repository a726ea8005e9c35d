import { performance } from 'node:perf_hooks';
import { Clock, SystemClock } from './clock';

/**
 * Something with a deadline, linked into a `DeadlineTimers` list (the fields are the list's; an
 * entry is in at most one list at a time).
 */
export interface DeadlineEntry {
  /** When it is due, on its `DeadlineTimers`' time source (ms). */
  dueAt: number;
  /** The list it is waiting in, if any. */
  dueList: DeadlineList | undefined;
  dueBefore: DeadlineEntry | undefined;
  dueAfter: DeadlineEntry | undefined;
  /** Called once when the deadline passes (the entry is already out of its list). */
  expireDue(): void;
}

/** The one timer a `DeadlineList` has armed; `ref`/`unref` only where a process timer is behind it. */
interface ArmedTimer {
  cancel(): void;
  ref?(): void;
  unref?(): void;
}

/** The time source of a `DeadlineTimers`: the process's own timers, or an app's `Clock`. */
interface DeadlineTicker {
  /** Reading the deadlines are measured on, ms (monotonic for the process's timers). */
  now(): number;
  /** The same instant in epoch ms (what `ctx.deadline` holds). */
  epochNow(): number;
  /** A past reading of `now()` in epoch ms (on the system clock: within 1 ms after `Date.now()` then). */
  epochAt(reading: number): number;
  /** Calls `fire` once, `delayMs` from now. */
  arm(fire: () => void, delayMs: number): ArmedTimer;
  /** The delay to arm for an entry due at `dueAt` (> `now()`). */
  delayUntil(dueAt: number): number;
  /** How early, ms, a timer may fire compared with `now()`: an entry this close to its deadline is due. */
  readonly slackMs: number;
  /**
   * The list emptied while `timer` is armed: returns true to keep it (it fires once, finds
   * nothing, and the list is forgotten), false when it was cancelled at once.
   */
  parkIdle(timer: ArmedTimer): boolean;
}

/** A Node timer behind the `ArmedTimer` face. */
class ProcessTimer implements ArmedTimer {
  constructor(private readonly timeout: NodeJS.Timeout) {}

  cancel(): void {
    clearTimeout(this.timeout);
  }

  ref(): void {
    this.timeout.ref();
  }

  unref(): void {
    this.timeout.unref();
  }
}

/**
 * The fast path of the system clock: `performance.now()` (monotonic) and `setTimeout` directly.
 * Timers fire on libuv's millisecond clock, so an entry 1 ms from its deadline is due.
 */
const PROCESS_TICKER: DeadlineTicker = {
  now: () => performance.now(),
  epochNow: () => Date.now(),
  // Whole ms elapsed, taken off a whole-ms Date.now(): the result is never before a Date.now() read
  // at `reading` (so a deadline is never reported early) and at most 1 ms after it. Subtracting the
  // fractional elapsed time could land up to 1 ms before it (Date.now() is floored).
  epochAt: (reading) => Date.now() - Math.floor(performance.now() - reading),
  arm: (fire, delayMs) => new ProcessTimer(setTimeout(fire, delayMs)),
  delayUntil: (dueAt) => Math.max(1, Math.ceil(dueAt - performance.now())),
  slackMs: 1,
  // Kept, unref'd: cancelling and re-arming a Node timer per call is what this design avoids.
  parkIdle: (timer) => {
    timer.unref!();
    return true;
  },
};

/** Any other `Clock` (e.g. `ManualClock`): its own time and timers, exact to the millisecond. */
function clockTicker(clock: Clock): DeadlineTicker {
  return {
    now: () => clock.now(),
    epochNow: () => clock.now(),
    epochAt: (reading) => reading,
    arm: (fire, delayMs) => clock.schedule(fire, delayMs),
    delayUntil: (dueAt) => Math.max(0, dueAt - clock.now()),
    slackMs: 0,
    // Cancelled: a test clock's pending timers are then exactly the deadlines still waiting.
    parkIdle: (timer) => {
      timer.cancel();
      return false;
    },
  };
}

/**
 * The entries waiting with one same delay, in deadline order (the order they were added, as
 * they all wait the same time), under ONE timer armed for the earliest. Adding and removing
 * are O(1) pointer updates: no timer object per call, no timer-list insert and cancel per call.
 * The timer is re-armed only when it fires; while the list is empty it is unref'd, so an idle
 * list never keeps the process alive (a non-empty one does, as one timer per call would). On a
 * clock other than the system's, an emptied list cancels its timer and is forgotten at once.
 */
export class DeadlineList {
  private head: DeadlineEntry | undefined;
  private tail: DeadlineEntry | undefined;
  private timer: ArmedTimer | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly ticker: DeadlineTicker,
    /** The list is empty and holds no timer: forget it. */
    private readonly onEmpty: (list: DeadlineList) => void,
  ) {}

  /** Appends `entry`, due `delayMs` after `from` (a reading of the ticker's `now()`, taken now). */
  add(entry: DeadlineEntry, from: number): void {
    entry.dueAt = from + this.delayMs;
    entry.dueList = this;
    entry.dueBefore = this.tail;
    entry.dueAfter = undefined;
    if (this.tail) this.tail.dueAfter = entry;
    else this.head = entry;
    this.tail = entry;
    if (!this.timer) this.timer = this.ticker.arm(this.fire, this.delayMs);
    else if (this.head === entry) this.timer.ref?.(); // armed no later than this entry's deadline
  }

  /** Takes `entry` out (it settled before its deadline). */
  remove(entry: DeadlineEntry): void {
    if (entry.dueList !== this) return;
    this.unlink(entry);
    if (this.head || !this.timer || this.ticker.parkIdle(this.timer)) return;
    this.timer = undefined;
    this.onEmpty(this);
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
    const { ticker } = this;
    const now = ticker.now();
    for (let entry = this.head; entry && entry.dueAt <= now + ticker.slackMs; entry = this.head) {
      this.unlink(entry);
      entry.expireDue();
    }
    if (this.head) {
      // an expiry added to this list (re-entrant `add`, so TS cannot see it): arm for the earliest instead
      (this.timer as ArmedTimer | undefined)?.cancel();
      this.timer = ticker.arm(this.fire, ticker.delayUntil(this.head.dueAt));
    } else {
      this.onEmpty(this);
    }
  };
}

/**
 * Deadlines of in-flight calls, one `DeadlineList` (one timer) per distinct delay: a server
 * whose callers all use the default timeout runs a single timer for every call in flight.
 * Lists whose timer fires while empty are forgotten, so odd delays do not accumulate.
 *
 * Its time source is a `Clock`: the system clock (the default) takes a fast path straight on
 * `performance.now()` and `setTimeout`; any other clock (a `ManualClock` in tests) is read and
 * scheduled through, so its `advance(ms)` drives the deadlines. Get an app's with
 * `deadlineTimersFor(clock)`.
 */
export class DeadlineTimers {
  private readonly lists = new Map<number, DeadlineList>();
  private readonly ticker: DeadlineTicker;

  /** @param clock the time source; default (and any plain `SystemClock`): the process's timers */
  constructor(clock?: Clock) {
    this.ticker = clock === undefined || isPlainSystemClock(clock) ? PROCESS_TICKER : clockTicker(clock);
  }

  /** Now, epoch ms, on this time source: what deadlines added now are measured from. */
  epochNow(): number {
    return this.ticker.epochNow();
  }

  /**
   * Starts waiting: `entry.expireDue()` runs once `delayMs` have passed, unless removed first.
   * @returns when it started, on the time source's own scale (give it to `epochAt` for epoch ms)
   */
  add(entry: DeadlineEntry, delayMs: number): number {
    const from = this.ticker.now();
    let list = this.lists.get(delayMs);
    if (!list) {
      list = new DeadlineList(delayMs, this.ticker, (empty) => {
        if (this.lists.get(delayMs) === empty) this.lists.delete(delayMs);
      });
      this.lists.set(delayMs, list);
    }
    list.add(entry, from);
    return from;
  }

  /**
   * The epoch ms of a reading returned by `add`. Reading the epoch clock only when someone asks
   * (a handler's `ctx.deadline`) saves a call the second clock read it used to take (bench W1).
   */
  epochAt(reading: number): number {
    return this.ticker.epochAt(reading);
  }

  /** Stops waiting (no-op when `entry` is not waiting). */
  remove(entry: DeadlineEntry): void {
    entry.dueList?.remove(entry);
  }
}

function isPlainSystemClock(clock: Clock): boolean {
  return Object.getPrototypeOf(clock) === SystemClock.prototype;
}

/** The deadline timers of every app on the system clock (in-process asks and IPC calls share them). */
export const systemDeadlineTimers = new DeadlineTimers();

const byClock = new WeakMap<Clock, DeadlineTimers>();

/** The deadline timers driven by `clock`: the shared system ones, or one set per other clock. */
export function deadlineTimersFor(clock: Clock): DeadlineTimers {
  if (isPlainSystemClock(clock)) return systemDeadlineTimers;
  let timers = byClock.get(clock);
  if (!timers) byClock.set(clock, (timers = new DeadlineTimers(clock)));
  return timers;
}
