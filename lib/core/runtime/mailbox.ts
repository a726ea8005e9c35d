import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { FifoQueue } from './fifo-queue';

/** One queued unit of work of a mailbox. */
export interface MailboxJob {
  /** Readonly jobs share the actor with each other; the others run alone. */
  readonly readonly: boolean;
}

/**
 * Runs a job. Returning a thenable keeps the job's lock (exclusive or shared) until it settles;
 * returning nothing releases it at once. Must not throw (a throw is reported and released).
 */
export type MailboxRunner<J> = (job: J) => PromiseLike<unknown> | void;

/** `open` accepts work; `draining` refuses new work but finishes queued work; `closed` refuses all. */
export type MailboxState = 'open' | 'draining' | 'closed';

/** Jobs run back-to-back in one turn before the mailbox yields to I/O (setImmediate). */
const PUMP_BUDGET = 512;

/**
 * A bounded actor mailbox with acton's scheduling (`mutate_on` / `act_on`):
 * - `enqueue` never waits: a full queue throws `TARGET_BUSY` at once (docs/protocol.md §3.1 step 8);
 * - mutating jobs run one at a time, in arrival order;
 * - readonly jobs run concurrently with each other but never during a mutating one; FIFO is kept:
 *   a mutating job waits for the readonly ones before it, and readonly jobs queued behind a
 *   mutating one wait for it.
 * Work starts on a microtask after `enqueue` (never on the caller's stack); no Promise is
 * created for a job that completes synchronously.
 */
export class Mailbox<J extends MailboxJob> {
  private readonly queue = new FifoQueue<J>();
  private readers = 0;
  private writer = false;
  private scheduled = false;
  private pumping = false;
  private mailboxState: MailboxState = 'open';
  /** Set while the actor restarts: queued jobs wait (in order) instead of starting. */
  private suspended = false;
  // Created on first wait: keyed actors hold one mailbox per idle activation.
  private idleWaiters?: (() => void)[];
  private quietWaiters?: (() => void)[];

  /**
   * @param capacity queued (not yet running) jobs before `enqueue` throws `TARGET_BUSY`
   * @param runner runs one job
   * @param onRunnerError called if `runner` throws (it should not)
   * @param onIdle called each time the mailbox becomes idle after running work while it is open
   *   and not suspended (its owner may then drop it and build a new one on the next message)
   */
  constructor(
    readonly capacity: number,
    private readonly runner: MailboxRunner<J>,
    private readonly onRunnerError: (err: unknown, job: J) => void,
    private readonly onIdle?: () => void,
  ) {}

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
   * @throws ActorError `TARGET_BUSY` ("Target actor inbox is full") when `capacity` jobs are
   *   queued; `SHUTTING_DOWN` while draining; `IO_ERROR` ("I/O error: Recipient channel is
   *   closed") once closed
   */
  enqueue(job: J): void {
    if (this.mailboxState !== 'open') throw this.refusal();
    if (this.queue.size >= this.capacity) throw new ActorError(ErrorCode.TARGET_BUSY, ErrorMessages.INBOX_FULL);
    this.queue.push(job);
    if (!this.scheduled && !this.pumping) {
      this.scheduled = true;
      queueMicrotask(this.pump);
    }
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
      queueMicrotask(this.pump);
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

  private refusal(): ActorError {
    return this.mailboxState === 'draining'
      ? new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN)
      : new ActorError(ErrorCode.IO_ERROR, ErrorMessages.RECIPIENT_CLOSED);
  }

  private readonly pump = (): void => {
    this.scheduled = false;
    if (this.pumping) return;
    this.pumping = true;
    try {
      this.startRunnable();
    } finally {
      this.pumping = false;
    }
    this.notifyIfIdle();
  };

  private startRunnable(): void {
    let budget = PUMP_BUDGET;
    while (this.queue.size > 0 && !this.writer && !this.suspended) {
      const head = this.queue.peek()!;
      if (!head.readonly && this.readers > 0) return;
      if (budget-- === 0) {
        this.scheduled = true;
        setImmediate(this.pump); // let I/O in between long runs of synchronous handlers
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
      held = this.runner(job);
    } catch (err) {
      this.onRunnerError(err, job);
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
    if (!this.idle || !this.idleWaiters?.length) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = undefined;
    for (const resolve of waiters) resolve();
  }
}
