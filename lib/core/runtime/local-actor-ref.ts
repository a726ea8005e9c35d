import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { ResolvedHandler } from '../metadata/handler-metadata';
import { ResolvedSupervision } from '../metadata/supervision-options';
import type { ChildSpawnOptions } from './acton-app';
import { ActorRef, HandlerInfo } from './actor-ref';
import { Delivery } from './delivery';
import { Dispatch, DispatchHost, StreamCanceller } from './handler-dispatch';
import { invokeHandler } from './handler-invocation';
import { Instrumentation, MessageTracker } from './instrumentation';
import { Logger } from './logger';
import { Mailbox, MailboxJob } from './mailbox';
import type { Type } from './provider';
import type { Timers } from './timers';

interface BoundHandler {
  readonly info: HandlerInfo;
  readonly fn: Function;
}

interface Job extends MailboxJob {
  readonly handler: BoundHandler;
  readonly delivery: Delivery;
  /** Set only while an instrumentation probe is installed. */
  readonly tracker?: MessageTracker;
}

/** How an actor instance is run. */
export interface LocalActorOptions {
  readonly name: string;
  readonly expose: boolean;
  readonly mailboxCapacity: number;
  /** Absent: the actor resumes after a failure. */
  readonly supervision?: ResolvedSupervision;
}

/** What an actor reports to, and asks of, its supervisor (implemented by the app's `Supervisor`). */
export interface ActorSupervisor {
  /** The actor failed (see `DispatchHost.reportFailure`); called synchronously, before its lock is released. */
  failed(ref: LocalActorRef, err: unknown): void;
  /** `ctx.spawn`: starts a child of `parent`. */
  spawnChild(parent: LocalActorRef, type: Type, name: string, options?: ChildSpawnOptions): Promise<ActorRef>;
}

let nextInstance = 1;

/**
 * One named actor behind the `ActorRef` seam: its current instance, its handlers, its bounded
 * mailbox, the streams it is draining, its timers and its children. The name, the ref and the
 * mailbox outlive restarts: a restart swaps the instance (`incarnate`) while queued messages wait
 * (`suspend` / `resume`). Created by the actor system; the IPC layer only uses the `ActorRef` members.
 */
export class LocalActorRef implements ActorRef, DispatchHost {
  readonly name: string;
  readonly id: string;
  /** Served by the IPC listener (`@Actor({ expose })`, default true; children default false). */
  readonly expose: boolean;
  /** Restart policy; absent: resume after a failure. */
  readonly supervision?: ResolvedSupervision;
  /** Running children, in start order (owned here; the supervisor adds and removes them). */
  readonly childRefs: LocalActorRef[] = [];
  private readonly mailbox: Mailbox<Job>;
  private readonly byWireName = new Map<string, BoundHandler>();
  private readonly streams = new Set<StreamCanceller>();
  private streamWaiters: (() => void)[] = [];
  private current: object;
  private currentTimers: Timers;
  private stopped = false;

  /**
   * @param actorClass the instance's class
   * @param instance the constructed actor
   * @param timers the instance's own `Timers`
   * @param handlers its resolved `@OnMessage` handlers
   * @param parentRef the supervising actor, for a child
   */
  constructor(
    readonly actorClass: Function,
    instance: object,
    timers: Timers,
    private readonly handlerList: readonly ResolvedHandler[],
    options: LocalActorOptions,
    private readonly logger: Logger,
    private readonly supervisor: ActorSupervisor,
    readonly parentRef?: LocalActorRef,
    /** Where its messages are reported (metrics, tracing); the app's, empty by default. */
    private readonly instrumentation?: Instrumentation,
  ) {
    this.name = options.name;
    this.expose = options.expose;
    if (options.supervision) this.supervision = options.supervision;
    this.id = `acton-ts:${options.name}:${nextInstance++}`;
    const onRunnerError = (err: unknown, job: Job): void => this.reportUnhandled(err, job.delivery);
    this.mailbox = new Mailbox<Job>(options.mailboxCapacity, this.run, onRunnerError);
    this.current = instance;
    this.currentTimers = timers;
    this.bind(instance);
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
    return this.currentTimers;
  }

  /** True once the actor stopped for good (`stop`). */
  get isStopped(): boolean {
    return this.stopped;
  }

  handlerFor(wireName: string): HandlerInfo | undefined {
    return this.byWireName.get(wireName)?.info;
  }

  handlers(): readonly HandlerInfo[] {
    return [...this.byWireName.values()].map((handler) => handler.info);
  }

  /**
   * Queues the message for its handler without waiting.
   * @throws ActorError `UNKNOWN_MESSAGE_TYPE` when the actor has no handler for `wireName`,
   *   `TARGET_BUSY` when the mailbox is full, `SHUTTING_DOWN` while the app closes and
   *   `IO_ERROR` ("I/O error: Recipient channel is closed") once the actor stopped
   */
  deliver(delivery: Delivery): void {
    const handler = this.byWireName.get(delivery.wireName);
    if (!handler) {
      throw new ActorError(
        ErrorCode.UNKNOWN_MESSAGE_TYPE,
        `${ErrorMessages.unknownMessageType(delivery.wireName)} (actor '${this.name}' has no handler for it)`,
      );
    }
    const tracker = this.instrumentation?.probe?.track(this, delivery);
    if (!tracker) return this.mailbox.enqueue({ readonly: handler.info.readonly, handler, delivery });
    try {
      this.mailbox.enqueue({ readonly: handler.info.readonly, handler, delivery, tracker });
    } catch (err) {
      tracker.finished(err);
      throw err;
    }
  }

  /** Streams returned by handlers that are still being drained (outside the actor's lock). */
  get activeStreams(): number {
    return this.streams.size;
  }

  /** Messages waiting to start. */
  get queued(): number {
    return this.mailbox.queued;
  }

  /** Stops accepting messages (`SHUTTING_DOWN`); queued and running ones continue. */
  drain(): void {
    this.mailbox.drain();
  }

  /** Resolves when no handler runs, nothing is queued and no stream is being drained. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.mailbox.whenIdle();
      if (this.streams.size > 0) await new Promise<void>((resolve) => this.streamWaiters.push(resolve));
      else if (this.mailbox.idle) return;
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
    for (const cancel of [...this.streams]) cancel(reason);
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
    return this.mailbox.whenQuiet();
  }

  /**
   * Replaces the instance (a restart): later messages go to `instance`, with its own `timers`.
   * @throws Error when a declared handler is not a method of the new instance
   */
  incarnate(instance: object, timers: Timers): void {
    this.bind(instance);
    this.current = instance;
    this.currentTimers = timers;
  }

  /** @internal DispatchHost */
  reportFailure(err: unknown): void {
    this.supervisor.failed(this, err);
  }

  /** @internal DispatchHost */
  spawnChild(type: Type, name: string, options?: ChildSpawnOptions): Promise<ActorRef> {
    return this.supervisor.spawnChild(this, type, name, options);
  }

  /** @internal DispatchHost */
  children(): readonly ActorRef[] {
    return [...this.childRefs];
  }

  /** @internal DispatchHost */
  reportUnhandled(err: unknown, delivery: Delivery): void {
    const method = this.byWireName.get(delivery.wireName)?.info.method ?? '?';
    const text = err instanceof Error ? err.message : String(err);
    this.logger.error(
      `${this.actorClass.name}.${method}() of actor '${this.name}' failed on ${delivery.wireName} (no caller to tell): ${text}`,
      err,
    );
  }

  /** @internal DispatchHost */
  addStream(cancel: StreamCanceller): void {
    this.streams.add(cancel);
  }

  /** @internal DispatchHost */
  removeStream(cancel: StreamCanceller): void {
    if (!this.streams.delete(cancel) || this.streams.size > 0) return;
    const waiters = this.streamWaiters;
    this.streamWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private bind(instance: object): void {
    for (const { info } of this.handlerList) {
      const fn = (instance as Record<string, unknown>)[info.method];
      if (typeof fn !== 'function') {
        throw new Error(`${this.actorClass.name}.${info.method} is declared as a handler but is not a method`);
      }
      this.byWireName.set(info.wireName, { info, fn });
    }
  }

  private readonly run = (job: Job): PromiseLike<void> | void => {
    // A revoked IPC connection's messages that have not started are skipped (docs/protocol.md §11.2).
    if (job.delivery.withdrawn?.aborted) return;
    const { fn } = this.byWireName.get(job.delivery.wireName)!; // rebound by each restart
    const { tracker } = job;
    if (!tracker) return invokeHandler(fn, this.current, job.delivery.message, new Dispatch(job.delivery, this));
    tracker.started();
    const dispatch = new Dispatch(job.delivery, this, tracker);
    return tracker.run(() => invokeHandler(fn, this.current, job.delivery.message, dispatch));
  };
}
