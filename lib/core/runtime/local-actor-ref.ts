import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { ResolvedHandler } from '../metadata/handler-metadata';
import { ResolvedSupervision } from '../metadata/supervision-options';
import type { ChildSpawnOptions } from './acton-app';
import { ActorRef, HandlerInfo } from './actor-ref';
import { Delivery } from './delivery';
import { HandlerContextHost, HandlerJob, StreamCanceller } from './handler-context';
import { invokeHandler } from './handler-invocation';
import { HandlerTable } from './handler-table';
import { Injector } from './injector';
import { Instrumentation } from './instrumentation';
import { Logger } from './logger';
import { Mailbox, MailboxOwner } from './mailbox';
import type { Type } from './provider';
import type { Timers } from './timers';

/** One queued message of a named actor (its tracker is set only while instrumentation is installed). */
type Job = HandlerJob<LocalActorRef>;

/**
 * What every actor of one class in one app shares (built once per class by the actor system):
 * an actor holds this one object instead of a copy of each of these fields.
 */
export interface ActorKind {
  readonly actorClass: Function;
  /** Its resolved `@OnMessage` handlers. */
  readonly handlers: readonly ResolvedHandler[];
  readonly mailboxCapacity: number;
  /** Restart policy; absent: resume after a failure. */
  readonly supervision?: ResolvedSupervision;
  readonly logger: Logger;
  readonly supervisor: ActorSupervisor;
  /** Builds the `Timers` of one instance, labelled with its name. */
  readonly timersFor: (owner: string) => Timers;
  /** Where its messages are reported (metrics, tracing); the app's, empty by default. */
  readonly instrumentation?: Instrumentation;
}

/** What an actor reports to, and asks of, its supervisor (implemented by the app's `Supervisor`). */
export interface ActorSupervisor {
  /** The actor failed (see `HandlerContextHost.reportFailure`); called synchronously, before its lock is released. */
  failed(ref: LocalActorRef, err: unknown): void;
  /** `ctx.stop(reason)`: `ref` ends normally (its policy decides whether it restarts). */
  stoppedNormally(ref: LocalActorRef, reason?: string): void;
  /** `ctx.spawn`: starts a child of `parent`. */
  spawnChild(parent: LocalActorRef, type: Type, name: string, options?: ChildSpawnOptions): Promise<ActorRef>;
}

let nextInstance = 1;

const NO_CHILDREN: readonly LocalActorRef[] = Object.freeze([]);

/**
 * One named actor behind the `ActorRef` seam: its current instance, its handlers, its bounded
 * mailbox, the streams it is draining, its timers and its children. The name, the ref and the
 * mailbox outlive restarts: a restart swaps the instance (`incarnate`) while queued messages wait
 * (`suspend` / `resume`). Created by the actor system; the IPC layer only uses the `ActorRef` members.
 *
 * An idle actor is kept small (a million of them must fit in well under 1 GB): the handler
 * table is its class's, and the mailbox and stream bookkeeping exist only while in use.
 */
export class LocalActorRef implements ActorRef, HandlerContextHost, MailboxOwner<Job> {
  private readonly instanceNumber = nextInstance++;
  /** The current instance's handlers (rebound by each restart). */
  private table: HandlerTable;
  /** Taken by the first delivery, given back whenever open, idle and not suspended (see `mailbox`). */
  private box?: Mailbox<Job>;
  /** Streams being drained; created by the first one. */
  private streams?: Set<StreamCanceller>;
  private streamWaiters?: (() => void)[];
  /** Running children, in start order; created by the first one. */
  private kids?: LocalActorRef[];
  private current: object;
  /** Made on first use unless the constructor took its own. */
  private currentTimers: Timers | undefined;
  private stopped = false;

  /**
   * @param kind what it shares with the other actors of its class
   * @param name its full name
   * @param expose served by the IPC listener (`@Actor({ expose })`, default true; children default false)
   * @param instance the constructed actor
   * @param timers the instance's own `Timers`, if its constructor took them (else made on first use)
   * @param injector what it is rebuilt from on a restart
   * @param parentRef the supervising actor, for a child
   */
  constructor(
    private readonly kind: ActorKind,
    readonly name: string,
    readonly expose: boolean,
    instance: object,
    timers: Timers | undefined,
    readonly injector: Injector,
    readonly parentRef?: LocalActorRef,
  ) {
    this.table = HandlerTable.of(kind.actorClass, instance, kind.handlers);
    this.current = instance;
    this.currentTimers = timers;
  }

  /** The instance's class. */
  get actorClass(): Function {
    return this.kind.actorClass;
  }

  /** Restart policy; absent: resume after a failure. */
  get supervision(): ResolvedSupervision | undefined {
    return this.kind.supervision;
  }

  /** Running children, in start order (the actor system adds and removes them). */
  get childRefs(): readonly LocalActorRef[] {
    return this.kids ?? NO_CHILDREN;
  }

  /** @internal the actor system: a child started */
  addChild(child: LocalActorRef): void {
    (this.kids ??= []).push(child);
  }

  /** @internal the actor system: a child is gone */
  removeChild(child: LocalActorRef): void {
    const at = this.kids ? this.kids.indexOf(child) : -1;
    if (at >= 0) this.kids!.splice(at, 1);
  }

  /** Opaque, unique id of this instance, `acton-ts:<name>:<n>` (built when asked: discovery reads it). */
  get id(): string {
    return `acton-ts:${this.name}:${this.instanceNumber}`;
  }

  /** The running instance (a new one after each restart). */
  get instance(): object {
    return this.current;
  }

  /** ActorRef: the parent's full name, for a child. */
  get parent(): string | undefined {
    return this.parentRef?.name;
  }

  /** The running instance's timers. */
  get timers(): Timers {
    return (this.currentTimers ??= this.kind.timersFor(`actor '${this.name}'`));
  }

  /** Cancels the running instance's timers, if it has any. */
  cancelTimers(): void {
    this.currentTimers?.cancelAll();
  }

  /** True once the actor stopped for good (`stop`). */
  get isStopped(): boolean {
    return this.stopped;
  }

  handlerFor(wireName: string): HandlerInfo | undefined {
    return this.table.get(wireName)?.info;
  }

  handlers(): readonly HandlerInfo[] {
    return [...this.table.infos];
  }

  /**
   * Queues the message for its handler without waiting.
   * @throws ActorError `UNKNOWN_MESSAGE_TYPE` when the actor has no handler for `wireName`,
   *   `TARGET_BUSY` when the mailbox is full, `SHUTTING_DOWN` while the app closes and
   *   `IO_ERROR` ("I/O error: Recipient channel is closed") once the actor stopped
   */
  deliver(delivery: Delivery, atOnce = false): void {
    const handler = this.table.get(delivery.wireName);
    if (!handler) {
      throw new ActorError(
        ErrorCode.UNKNOWN_MESSAGE_TYPE,
        `${ErrorMessages.unknownMessageType(delivery.wireName)} (actor '${this.name}' has no handler for it)`,
      );
    }
    const tracker = this.kind.instrumentation?.probe?.track(this, delivery);
    const { readonly } = handler.info;
    if (!tracker) return this.mailbox.enqueue(new HandlerJob(delivery, this, readonly, handler.fn), atOnce);
    try {
      this.mailbox.enqueue(new HandlerJob(delivery, this, readonly, handler.fn, tracker), atOnce);
    } catch (err) {
      tracker.finished(err);
      throw err;
    }
  }

  /** Streams returned by handlers that are still being drained (outside the actor's lock). */
  get activeStreams(): number {
    return this.streams ? this.streams.size : 0;
  }

  /** Messages waiting to start. */
  get queued(): number {
    return this.box ? this.box.queued : 0;
  }

  /** Stops accepting messages (`SHUTTING_DOWN`); queued and running ones continue. */
  drain(): void {
    this.mailbox.drain();
  }

  /** Resolves when no handler runs, nothing is queued and no stream is being drained. */
  async whenIdle(): Promise<void> {
    for (;;) {
      if (this.box) await this.box.whenIdle();
      if (this.streams && this.streams.size > 0) {
        await new Promise<void>((resolve) => (this.streamWaiters ??= []).push(resolve));
      } else if (!this.box || this.box.idle) return;
    }
  }

  /**
   * Closes the mailbox (later deliveries fail with `IO_ERROR` "Recipient channel is closed"),
   * ends the streams still running and fails the messages still queued, both with `reason`.
   * Handlers already running are not interrupted.
   */
  stop(reason: unknown): void {
    this.stopped = true;
    this.cancelStreams(reason);
    for (const job of this.mailbox.close()) {
      job.tracker?.finished(reason);
      if (job.delivery.sink) job.delivery.sink.error(reason);
    }
  }

  /** Ends every stream still being drained with `reason` (the instance is being replaced). */
  cancelStreams(reason: unknown): void {
    if (this.streams) for (const cancel of [...this.streams]) cancel(reason);
  }

  /** Queued messages wait (still accepted, in order) until `resume()`: the actor is restarting. */
  suspend(): void {
    this.mailbox.suspend();
  }

  /** Queued messages start again, on the current instance. */
  resume(): void {
    this.mailbox.resume();
  }

  /** Resolves when no handler is running (queued ones may wait). */
  whenQuiet(): Promise<void> {
    return this.box ? this.box.whenQuiet() : Promise.resolve();
  }

  /**
   * Replaces the instance (a restart): later messages go to `instance`, with its own `timers`.
   * @throws Error when a declared handler is not a method of the new instance
   */
  incarnate(instance: object, timers: Timers | undefined): void {
    this.table = HandlerTable.of(this.kind.actorClass, instance, this.kind.handlers);
    this.current = instance;
    this.currentTimers = timers;
  }

  /** @internal HandlerContextHost */
  reportFailure(err: unknown): void {
    this.kind.supervisor.failed(this, err);
  }

  /** @internal HandlerContextHost */
  stopSelf(reason?: string): void {
    this.kind.supervisor.stoppedNormally(this, reason);
  }

  /** @internal HandlerContextHost */
  spawnChild(type: Type, name: string, options?: ChildSpawnOptions): Promise<ActorRef> {
    return this.kind.supervisor.spawnChild(this, type, name, options);
  }

  /** @internal HandlerContextHost */
  children(): readonly ActorRef[] {
    return [...this.childRefs];
  }

  /** @internal HandlerContextHost */
  reportUnhandled(err: unknown, delivery: Delivery): void {
    const method = this.table.get(delivery.wireName)?.info.method ?? '?';
    const text = err instanceof Error ? err.message : String(err);
    this.kind.logger.error(
      `${this.kind.actorClass.name}.${method}() of actor '${this.name}' failed on ${delivery.wireName} (no caller to tell): ${text}`,
      err,
    );
  }

  /** @internal HandlerContextHost */
  addStream(cancel: StreamCanceller): void {
    (this.streams ??= new Set()).add(cancel);
  }

  /** @internal HandlerContextHost */
  removeStream(cancel: StreamCanceller): void {
    if (!this.streams?.delete(cancel) || this.streams.size > 0) return;
    const waiters = this.streamWaiters;
    this.streamWaiters = undefined;
    if (waiters) for (const resolve of waiters) resolve();
  }

  /**
   * The mailbox, taken on first use and dropped again whenever it is open, idle and not
   * suspended (`mailboxIdle`): most actors of a large population sit idle, and their messages
   * then pass through a few pooled mailboxes instead of a million long-lived ones.
   */
  private get mailbox(): Mailbox<Job> {
    return (this.box ??= Mailbox.obtain<Job>(this.kind.mailboxCapacity, this));
  }

  /** @internal MailboxOwner */
  mailboxIdle(box: Mailbox<Job>): void {
    if (this.box !== box) return;
    this.box = undefined;
    box.recycle();
  }

  /** @internal MailboxOwner */
  jobFailed(err: unknown, job: Job): void {
    this.reportUnhandled(err, job.delivery);
  }

  /** @internal MailboxOwner */
  runJob(job: Job): PromiseLike<void> | void {
    const { delivery, tracker } = job;
    // A revoked IPC connection's messages that have not started are skipped (docs/protocol.md §11.2).
    if (delivery.withdrawn?.aborted) return;
    const { fn } = this.table.get(delivery.wireName)!; // rebound by each restart
    if (!tracker) return invokeHandler(fn, this.current, delivery.message, job);
    tracker.started();
    if (!tracker.run) return invokeHandler(fn, this.current, delivery.message, job);
    return tracker.run(() => invokeHandler(fn, this.current, delivery.message, job));
  }
}
