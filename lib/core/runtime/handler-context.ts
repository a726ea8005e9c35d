import { isActorError } from '../errors/actor-error';
import type { ChildSpawnOptions } from './acton-app';
import type { ActorRef } from './actor-ref';
import { Delivery } from './delivery';
import { LOCAL_PEER, MessageContext, NEVER_ABORTED, PeerInfo } from './message-context';
import type { Type } from './provider';
import type { Timers } from './timers';

/** Stops a running stream; with a `reason` the sink gets `error(reason)`, else `complete()`. */
export type StreamCanceller = (reason?: unknown) => void;

/** What a `HandlerContext` needs from the actor whose handler it serves (`LocalActorRef`). */
export interface HandlerContextHost {
  /** Reports a failure nobody is waiting for (a fire-and-forget handler threw). */
  reportUnhandled(err: unknown, delivery: Delivery): void;
  /** Registers a stream drained outside the lock, so shutdown can wait for or cancel it. */
  addStream(cancel: StreamCanceller): void;
  removeStream(cancel: StreamCanceller): void;
  /** A failure that counts for supervision: the handler (or its stream) failed with a non-`ActorError`. */
  reportFailure(err: unknown): void;
  /** `ctx.stop(reason)`: the actor ends normally. */
  stopSelf(reason?: string): void;
  /** The running instance's timers (`ctx.timers`). */
  readonly timers: Timers;
  /** `ctx.spawn`: starts a child of this actor. */
  spawnChild(type: Type, name: string, options?: ChildSpawnOptions): Promise<ActorRef>;
  /** `ctx.children()`. */
  children(): readonly ActorRef[];
  /** `ctx.key`: the key of a keyed actor's activation. */
  readonly actorKey?: string;
}

/**
 * One delivered message being handled: the handler's `MessageContext` and the guard that
 * reports to the delivery's `ReplySink` in order and ends it exactly once (`complete` or
 * `error`), whatever the handler does.
 */
export class HandlerContext implements MessageContext {
  private finished = false;

  constructor(
    private readonly delivery: Delivery,
    private readonly host: HandlerContextHost,
    /** Told once when the dispatch ends (instrumentation; absent when none is installed). */
    private readonly tracker?: { finished(error?: unknown): void },
  ) {}

  get correlationId(): string {
    return this.delivery.correlationId;
  }

  get signal(): AbortSignal {
    return this.delivery.signal ?? NEVER_ABORTED;
  }

  get deadline(): number | undefined {
    return this.delivery.deadline;
  }

  get peer(): PeerInfo {
    return this.delivery.peer ?? LOCAL_PEER;
  }

  get key(): string | undefined {
    return this.host.actorKey;
  }

  get timers(): Timers {
    return this.host.timers;
  }

  spawn(type: Type, name: string, options?: ChildSpawnOptions): Promise<ActorRef> {
    return this.host.spawnChild(type, name, options);
  }

  children(): readonly ActorRef[] {
    return this.host.children();
  }

  stop(reason?: string): void {
    this.host.stopSelf(reason);
  }

  get caller(): unknown {
    return this.delivery.peer?.caller;
  }

  /** True once `complete` or `fail` ran. */
  get isFinished(): boolean {
    return this.finished;
  }

  reply(value: unknown): void {
    if (this.finished) return;
    const pending = this.delivery.sink?.next(value);
    // Explicit replies ignore backpressure; a sink Promise that rejects must not go unhandled.
    if (pending) pending.then(undefined, () => undefined);
  }

  /** One reply; returns the sink's backpressure Promise, if any. Ignored once finished. */
  emit(value: unknown): void | Promise<void> {
    if (this.finished) return;
    return this.delivery.sink?.next(value);
  }

  /** Ends the reply sequence normally (no-op when already ended). */
  complete(): void {
    if (this.finished) return;
    this.finished = true;
    this.tracker?.finished();
    this.delivery.sink?.complete();
  }

  /**
   * Ends the reply sequence with an error; without a sink, reports it (no-op when already
   * ended). The caller hears first; then a non-`ActorError` (an `ActorError` is an expected
   * answer) counts as the actor's failure for supervision, unless the caller had gone away.
   */
  fail(err: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.tracker?.finished(err);
    // Read before the sink hears: an in-process stream unsubscribes (aborting) on its error.
    const isFailure = !isActorError(err) && !this.delivery.signal?.aborted;
    const sink = this.delivery.sink;
    if (sink) sink.error(err);
    else this.host.reportUnhandled(err, this.delivery);
    if (isFailure) this.host.reportFailure(err);
  }

  /**
   * Calls `cancel()` when the delivery's signal aborts, and `cancel(reason)` when the actor
   * shuts down; returns the function that stops watching. An already aborted signal is the
   * caller's to check (`signal.aborted`).
   */
  watchCancellation(cancel: StreamCanceller): () => void {
    const signal = this.delivery.signal;
    const onAbort = (): void => cancel();
    this.host.addStream(cancel);
    signal?.addEventListener('abort', onAbort, { once: true });
    const unwatch = (): void => {
      this.host.removeStream(cancel);
      signal?.removeEventListener('abort', onAbort);
    };
    return unwatch;
  }
}
