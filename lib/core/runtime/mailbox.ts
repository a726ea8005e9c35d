import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { FifoQueue } from './fifo-queue';
import { queuePlainMicrotask } from './plain-microtask';

/** One queued unit of work of a mailbox. */
export interface MailboxJob {
  /** Readonly jobs share the actor with each other; the others run alone. */
  readonly readonly: boolean;
}

/**
 * What a mailbox runs its jobs with: its owner (the actor), one object instead of a closure per
 * mailbox (a million actors' mailboxes must not cost a million sets of closures).
 */
export interface MailboxOwner<J extends MailboxJob> {
  /**
   * Runs a job. Returning a thenable keeps the job's lock (exclusive or shared) until it settles;
   * returning nothing releases it at once. Must not throw (a throw is reported and released).
   */
  runJob(job: J): PromiseLike<unknown> | void;
  /** Called if `runJob` throws (it should not). */
  jobFailed(err: unknown, job: J): void;
  /**
   * Called each time the mailbox becomes idle after running work while it is open and not
   * suspended: the owner may drop it (and `recycle` it) and take a new one on the next message.
   */
  mailboxIdle?(box: Mailbox<J>): void;
}

/** `open` accepts work; `draining` refuses new work but finishes queued work; `closed` refuses all. */
export type MailboxState = 'open' | 'draining' | 'closed';

/** Jobs run back-to-back in one turn before the mailbox yields to I/O (setImmediate). */
const PUMP_BUDGET = 512;
/** Idle mailboxes kept for reuse (`Mailbox.obtain` / `recycle`), process-wide. */
const POOL_SIZE = 4_096;

/**
 * A bounded actor mailbox with acton's scheduling (`mutate_on` / `act_on`):
 * - `enqueue` never waits: a full queue throws `TARGET_BUSY` at once (docs/protocol.md §3.1 step 8);
 * - mutating jobs run one at a time, in arrival order;
 * - readonly jobs run concurrently with each other but never during a mutating one; FIFO is kept:
 *   a mutating job waits for the readonly ones before it, and readonly jobs queued behind a
 *   mutating one wait for it.
 * Work starts on a microtask after `enqueue` (never on the caller's stack, unless an idle
 * mailbox is asked to start `atOnce` from an I/O callback): the mailboxes that got work in one
 * turn are run from one shared microtask (`dispatch`), not one each. No Promise
 * is created for a job that completes synchronously.
 *
 * A mailbox lives only while its actor has work when the owner wants it so: `obtain` takes one
 * from a small pool, the owner `recycle`s it from `mailboxIdle`. Asks spread over a million
 * actors then reuse a few thousand mailboxes instead of allocating one per message.
 */
export class Mailbox<J extends MailboxJob> {
  private static readonly pool: Mailbox<MailboxJob>[] = [];

  private readonly queue = new FifoQueue<J>();
  private limit: number;
  private readers = 0;
  private writer = false;
  private scheduled = false;
  private pumping = false;
  private mailboxState: MailboxState = 'open';
  /** Set while the actor restarts: queued jobs wait (in order) instead of starting. */
  private suspended = false;
  // Created on first wait.
  private idleWaiters?: (() => void)[];
  private quietWaiters?: (() => void)[];

  /**
   * @param capacity queued (not yet running) jobs before `enqueue` throws `TARGET_BUSY`
   * @param owner runs the jobs (see `MailboxOwner`)
   */
  constructor(
    capacity: number,
    private owner: MailboxOwner<J>,
  ) {
    this.limit = capacity;
  }

  /** An open, empty mailbox for `owner`: a recycled one when the pool has one, else a new one. */
  static obtain<J extends MailboxJob>(capacity: number, owner: MailboxOwner<J>): Mailbox<J> {
    const box = Mailbox.pool.pop() as Mailbox<J> | undefined; // empty: its job type does not matter
    if (!box) return new Mailbox<J>(capacity, owner);
    box.limit = capacity;
    box.owner = owner;
    return box;
  }

  /**
   * Returns an idle, open, unsuspended mailbox its owner no longer references to the pool (call
   * from `mailboxIdle` after dropping it); anything else is left to the garbage collector.
   */
  recycle(): void {
    if (!this.reusable || Mailbox.pool.length >= POOL_SIZE) return;
    this.owner = NO_OWNER;
    Mailbox.pool.push(this as Mailbox<MailboxJob>);
  }

  /** Queued jobs before `enqueue` throws `TARGET_BUSY`. */
  get capacity(): number {
    return this.limit;
  }

  /** Current state. */
  get state(): MailboxState {
    return this.mailboxState;
  }

  /** Jobs waiting to start. */
  get queued(): number {
    return this.queue.size;
  }

  /** True when nothing is queued or running. */
  get idle(): boolean {
    return this.queue.size === 0 && this.readers === 0 && !this.writer;
  }

  /**
   * Queues a job without waiting.
   * @param atOnce the caller is at the top of an I/O callback (see `ActorRef.deliver`): when this
   *   mailbox has nothing else queued or running and no mailbox waits for the turn's dispatch,
   *   the job starts now, on the caller's stack, instead of from the dispatch microtask (a lone
   *   IPC request then skips the microtask hop, bench W1). Nothing started earlier is overtaken.
   * @throws ActorError `TARGET_BUSY` ("Target actor inbox is full") when `capacity` jobs are
   *   queued; `SHUTTING_DOWN` while draining; `IO_ERROR` ("I/O error: Recipient channel is
   *   closed") once closed
   */
  enqueue(job: J, atOnce = false): void {
    if (this.mailboxState !== 'open') throw this.refusal();
    if (this.queue.size >= this.limit) throw new ActorError(ErrorCode.TARGET_BUSY, ErrorMessages.INBOX_FULL);
    this.queue.push(job);
    if (this.scheduled || this.pumping) return;
    if (atOnce && runnable.length === 0 && this.queue.size === 1 && this.readers === 0 && !this.writer) {
      this.pump();
      return;
    }
    this.scheduled = true;
    schedule(this);
  }

  /** Jobs running now (readonly ones plus the mutating one). */
  get running(): number {
    return this.readers + (this.writer ? 1 : 0);
  }

  /**
   * For supervision: while an actor restarts its queued messages stay queued, in order, and
   * enqueueing still works (bounded by `capacity`); `resume()` starts them on the new instance.
   * Running jobs are not interrupted (see `whenQuiet`).
   */
  suspend(): void {
    this.suspended = true;
  }

  /** Resolves when no job is running (queued ones may remain); at once if none runs. */
  whenQuiet(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => (this.quietWaiters ??= []).push(resolve));
  }

  /** Ends `suspend()`: queued jobs start again. */
  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    if (!this.scheduled && !this.pumping) {
      this.scheduled = true;
      schedule(this);
    }
  }

  /** Stops accepting new jobs; queued and running ones continue. */
  drain(): void {
    if (this.mailboxState === 'open') this.mailboxState = 'draining';
  }

  /** Refuses all new jobs and returns the ones still queued (they will not run). */
  close(): J[] {
    this.mailboxState = 'closed';
    const dropped = this.queue.drain();
    this.notifyIfIdle();
    return dropped;
  }

  /** Resolves when nothing is queued or running (at once if already idle). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => (this.idleWaiters ??= []).push(resolve));
  }

  /** @internal runs what can start now; called by `dispatch` (and after an asynchronous job) */
  pump(): void {
    this.scheduled = false;
    if (this.pumping) return;
    this.pumping = true;
    try {
      this.startRunnable();
    } finally {
      this.pumping = false;
    }
    this.notifyIfIdle();
  }

  /** Open, not suspended, idle and not waited on: nothing can tell a reused one from a new one. */
  private get reusable(): boolean {
    return (
      this.mailboxState === 'open' &&
      !this.suspended &&
      !this.scheduled &&
      !this.pumping &&
      this.idle &&
      !this.idleWaiters?.length &&
      !this.quietWaiters?.length
    );
  }

  private refusal(): ActorError {
    return this.mailboxState === 'draining'
      ? new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN)
      : new ActorError(ErrorCode.IO_ERROR, ErrorMessages.RECIPIENT_CLOSED);
  }

  private startRunnable(): void {
    let budget = PUMP_BUDGET;
    while (this.queue.size > 0 && !this.writer && !this.suspended) {
      const head = this.queue.peek()!;
      if (!head.readonly && this.readers > 0) return;
      if (budget-- === 0) {
        this.scheduled = true;
        setImmediate(schedule, this); // let I/O in between long runs of synchronous handlers
        return;
      }
      this.queue.shift();
      this.start(head);
    }
  }

  private start(job: J): void {
    if (job.readonly) this.readers++;
    else this.writer = true;
    let held: PromiseLike<unknown> | void = undefined;
    try {
      held = this.owner.runJob(job);
    } catch (err) {
      this.owner.jobFailed(err, job);
    }
    if (held && typeof held.then === 'function') {
      const release = (): void => {
        this.release(job.readonly);
        this.pump();
      };
      held.then(release, release);
    } else {
      this.release(job.readonly);
    }
  }

  private release(readonly: boolean): void {
    if (readonly) this.readers--;
    else this.writer = false;
    if (this.running > 0 || !this.quietWaiters?.length) return;
    const waiters = this.quietWaiters;
    this.quietWaiters = undefined;
    for (const resolve of waiters) resolve();
  }

  private notifyIfIdle(): void {
    if (!this.idle) return;
    const waiters = this.idleWaiters;
    if (waiters?.length) {
      this.idleWaiters = undefined;
      for (const resolve of waiters) resolve();
    }
    if (this.mailboxState === 'open' && !this.suspended && !this.scheduled) this.owner.mailboxIdle?.(this);
  }
}

/** The owner of a pooled mailbox: runs nothing (a pooled mailbox has no jobs). */
const NO_OWNER: MailboxOwner<never> = {
  runJob: () => undefined,
  jobFailed: () => undefined,
};

/** Mailboxes that got work since the last `dispatch`, in the order they got it. */
const runnable: Mailbox<MailboxJob>[] = [];

/** Queues `box` for the next `dispatch`, which one microtask runs for every mailbox of the turn. */
function schedule(box: Mailbox<MailboxJob>): void {
  if (runnable.push(box) === 1) queuePlainMicrotask(dispatch);
}

/**
 * Pumps every scheduled mailbox, including those scheduled while it runs (as their own microtasks
 * would have run before any I/O). Should a pump throw, the rest run from a new microtask and the
 * error is rethrown from a microtask of its own: an uncaught exception, as it was under
 * `queueMicrotask`, not a rejection of the Promise `then` returned.
 */
function dispatch(): void {
  let next = 0;
  try {
    while (next < runnable.length) runnable[next++].pump();
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  } finally {
    if (next < runnable.length) {
      runnable.splice(0, next);
      queuePlainMicrotask(dispatch);
    } else {
      runnable.length = 0;
    }
  }
}
