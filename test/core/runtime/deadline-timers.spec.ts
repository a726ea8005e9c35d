import { DeadlineEntry, DeadlineTimers, deadlineTimersFor } from '../../../lib/core/runtime/deadline-timers';
import { SystemClock } from '../../../lib/core/runtime/clock';
import { ManualClock } from '../../../lib/testing/manual-clock';

/** A deadline entry that records when (and whether) it expired. */
class Waiter implements DeadlineEntry {
  dueAt = 0;
  dueList: DeadlineEntry['dueList'] = undefined;
  dueBefore: DeadlineEntry | undefined = undefined;
  dueAfter: DeadlineEntry | undefined = undefined;
  expiredAt?: number;

  constructor(
    readonly label: string,
    private readonly log: string[],
  ) {}

  expireDue(): void {
    this.expiredAt = Date.now();
    this.log.push(this.label);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeadlineTimers', () => {
  it('expires entries of one delay in the order they were added, none before its delay', async () => {
    const timers = new DeadlineTimers();
    const log: string[] = [];
    const started = Date.now();
    const entries = ['a', 'b', 'c'].map((label) => new Waiter(label, log));
    for (const entry of entries) timers.add(entry, 30);
    await sleep(120);
    expect(log).toEqual(['a', 'b', 'c']);
    for (const entry of entries) expect(entry.expiredAt! - started).toBeGreaterThanOrEqual(29);
    for (const entry of entries) expect(entry.dueList).toBeUndefined();
  });

  it('never expires a removed entry, whether it was first, in the middle or last', async () => {
    const timers = new DeadlineTimers();
    const log: string[] = [];
    const entries = ['a', 'b', 'c', 'd', 'e'].map((label) => new Waiter(label, log));
    for (const entry of entries) timers.add(entry, 20);
    timers.remove(entries[0]);
    timers.remove(entries[2]);
    timers.remove(entries[4]);
    timers.remove(entries[4]); // twice: no-op
    await sleep(100);
    expect(log).toEqual(['b', 'd']);
  });

  it('keeps separate delays apart: a short one added later expires first', async () => {
    const timers = new DeadlineTimers();
    const log: string[] = [];
    timers.add(new Waiter('slow', log), 80);
    timers.add(new Waiter('fast', log), 10);
    await sleep(200);
    expect(log).toEqual(['fast', 'slow']);
  });

  it('expires entries added after the list emptied and refilled, and ones added while others expire', async () => {
    const timers = new DeadlineTimers();
    const log: string[] = [];
    const first = new Waiter('first', log);
    timers.add(first, 25);
    timers.remove(first); // the list is empty now; its timer stays armed, unref'd
    await sleep(10);
    const chained = new Waiter('chained', log);
    const second = new Waiter('second', log);
    second.expireDue = function (): void {
      log.push('second');
      timers.add(chained, 25); // re-entrant add from an expiry
    };
    timers.add(second, 25);
    await sleep(150);
    expect(log).toEqual(['second', 'chained']);
  });

  it('on a ManualClock: due exactly at add time + delay, in order; an emptied list cancels its timer', async () => {
    const clock = new ManualClock();
    const timers = new DeadlineTimers(clock);
    const log: string[] = [];
    const a = new Waiter('a', log);
    const b = new Waiter('b', log);
    const gone = new Waiter('gone', log);
    timers.add(a, 100);
    await clock.advance(30);
    timers.add(b, 100);
    timers.add(gone, 100);
    timers.remove(gone);
    await clock.advance(69);
    expect(log).toEqual([]);
    await clock.advance(1); // t = 100
    expect(log).toEqual(['a']);
    await clock.advance(29);
    expect(log).toEqual(['a']);
    await clock.advance(1); // t = 130
    expect(log).toEqual(['a', 'b']);
    const c = new Waiter('c', log);
    timers.add(c, 50);
    expect(clock.pending).toBe(1);
    timers.remove(c);
    expect(clock.pending).toBe(0); // no idle timer left behind on a test clock
    expect(timers.epochNow()).toBe(clock.now());
  });

  it('deadlineTimersFor: one shared set for the system clock, one per other clock', () => {
    const clock = new ManualClock();
    expect(deadlineTimersFor(new SystemClock())).toBe(deadlineTimersFor(new SystemClock()));
    expect(deadlineTimersFor(clock)).toBe(deadlineTimersFor(clock));
    expect(deadlineTimersFor(clock)).not.toBe(deadlineTimersFor(new ManualClock()));
    expect(deadlineTimersFor(clock)).not.toBe(deadlineTimersFor(new SystemClock()));
  });
});
