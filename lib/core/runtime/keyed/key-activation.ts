import type { ChildSpawnOptions } from '../acton-app';
import type { ActorRef } from '../actor-ref';
import { Delivery } from '../delivery';
import { HandlerContextHost, StreamCanceller } from '../handler-context';
import { Mailbox, MailboxOwner } from '../mailbox';
import type { Type } from '../provider';
import type { Timers } from '../timers';
import type { KeyedActorType, KeyedJob } from './keyed-actor-type';

/**
 * `starting` (hooks running, messages wait) → `active` → `passivating` (hooks running) → gone;
 * or, after a supervised failure, `active` → `restarting` (retired; messages wait) → gone, its
 * queued messages taken by the key's next activation; or, in a cluster whose node lease lapsed,
 * `active` → `suspended` (no handler starts; messages wait) → `active` again when the key is still
 * this node's, else `passivating`.
 */
export type ActivationPhase = 'starting' | 'active' | 'suspended' | 'passivating' | 'restarting';

/**
 * One activation of a keyed actor: the instance for one key, its own bounded mailbox and when it
 * last got a message. Everything shared by all keys (handlers, dependencies, limits) lives on its
 * `KeyedActorType`, so an idle activation costs little more than the instance and its mailbox.
 */
export class KeyActivation implements HandlerContextHost, MailboxOwner<KeyedJob> {
  phase: ActivationPhase = 'starting';
  /** When it got its last message, ms on its type's idle clock (not epoch time). */
  lastUsed: number;
  /** Taken on the first message and dropped whenever open, idle and not suspended (see `mailbox`). */
  private box?: Mailbox<KeyedJob>;
  private ownTimers?: Timers;
  private streams?: Set<StreamCanceller>;

  constructor(
    readonly type: KeyedActorType,
    readonly key: string,
    readonly instance: object,
    now: number,
  ) {
    this.lastUsed = now;
  }

  /**
   * The mailbox, taken from the pool on first use and given back whenever it is open, idle and
   * not suspended: an idle activation holds none (suspending, draining or closing one keeps it).
   */
  get mailbox(): Mailbox<KeyedJob> {
    if (this.box) return this.box;
    const box = Mailbox.obtain<KeyedJob>(this.type.mailboxCapacity, this);
    // Passivating or restarting: messages wait for the next activation; suspended: for this one.
    if (this.phase !== 'active' && this.phase !== 'starting') box.suspend();
    return (this.box = box);
  }

  /** Queued messages wait (passivation); a mailbox taken later starts suspended (see `mailbox`). */
  suspendMailbox(): void {
    this.box?.suspend();
  }

  /** Ends `suspendMailbox`: queued messages start again. */
  resumeMailbox(): void {
    this.box?.resume();
  }

  /** Its mailbox, if it has one, refuses new messages (`SHUTTING_DOWN`); queued ones still run. */
  drainMailbox(): void {
    this.box?.drain();
  }

  /** Closes its mailbox, if it has one; returns the messages still queued (they will not run here). */
  closeMailbox(): KeyedJob[] {
    return this.box ? this.box.close() : [];
  }

  /** True when nothing is queued, running or streaming. */
  get idle(): boolean {
    return (this.box === undefined || this.box.idle) && (this.streams === undefined || this.streams.size === 0);
  }

  /** Resolves when its mailbox has nothing queued or running; `undefined` when it has nothing now. */
  whenMailboxIdle(): Promise<void> | undefined {
    return this.box && !this.box.idle ? this.box.whenIdle() : undefined;
  }

  /** Resolves when no handler of it runs (queued messages may remain); `undefined` when none runs now. */
  whenMailboxQuiet(): Promise<void> | undefined {
    return this.box && this.box.running > 0 ? this.box.whenQuiet() : undefined;
  }

  /** @internal MailboxOwner */
  runJob(job: KeyedJob): PromiseLike<void> | void {
    return this.type.run(job);
  }

  /** @internal MailboxOwner */
  jobFailed(err: unknown, job: KeyedJob): void {
    this.reportUnhandled(err, job.delivery);
  }

  /** @internal MailboxOwner */
  mailboxIdle(box: Mailbox<KeyedJob>): void {
    if (this.box !== box) return;
    this.box = undefined;
    box.recycle();
    this.type.becameIdle(this);
  }

  /** HandlerContextHost: `ctx.key`. */
  get actorKey(): string {
    return this.key;
  }

  /** HandlerContextHost: created on first use, cancelled on passivation. */
  get timers(): Timers {
    this.ownTimers ??= this.type.timersFor(`${this.type.name}/${this.key}`);
    return this.ownTimers;
  }

  /** Cancels the activation's timers and ends its streams with `reason()` (built only when needed). */
  release(reason: () => unknown): void {
    this.ownTimers?.cancelAll();
    if (this.streams?.size) for (const cancel of [...this.streams]) cancel(reason());
  }

  reportUnhandled(err: unknown, delivery: Delivery): void {
    this.type.reportUnhandled(this, err, delivery);
  }

  /** A failing handler (its caller heard it): the actor's supervision option decides (none: the activation stays). */
  reportFailure(err: unknown): void {
    this.type.reportFailure(this, err);
  }

  /**
   * `ctx.stop()`: once the running handlers finished (no other message starts meanwhile), the
   * activation passivates (state saved); messages queued for the key go to its next activation.
   */
  stopSelf(reason?: string): void {
    if (this.phase !== 'active') return;
    const why = reason === undefined ? 'it stopped itself' : `it stopped itself: ${reason}`;
    this.mailbox.suspend();
    void this.mailbox.whenQuiet().then(() => this.type.passivate(this.key, why));
  }

  addStream(cancel: StreamCanceller): void {
    (this.streams ??= new Set()).add(cancel);
  }

  removeStream(cancel: StreamCanceller): void {
    this.streams?.delete(cancel);
  }

  spawnChild(_type: Type, name: string, _options?: ChildSpawnOptions): Promise<ActorRef> {
    return Promise.reject(
      new Error(
        `Keyed actor '${this.type.name}/${this.key}' cannot spawn child '${name}': spawn it from a regular actor`,
      ),
    );
  }

  children(): readonly ActorRef[] {
    return [];
  }
}
