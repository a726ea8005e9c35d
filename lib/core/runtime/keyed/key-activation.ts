import type { ChildSpawnOptions } from '../acton-app';
import type { ActorRef } from '../actor-ref';
import { Delivery } from '../delivery';
import { HandlerContextHost, StreamCanceller } from '../handler-context';
import { Mailbox } from '../mailbox';
import type { Type } from '../provider';
import type { Timers } from '../timers';
import type { KeyedActorType, KeyedJob } from './keyed-actor-type';

/**
 * `starting` (hooks running, messages wait) → `active` → `passivating` (hooks running) → gone;
 * or, after a supervised failure, `active` → `restarting` (retired; messages wait) → gone, its
 * queued messages taken by the key's next activation.
 */
export type ActivationPhase = 'starting' | 'active' | 'passivating' | 'restarting';

/**
 * One activation of a keyed actor: the instance for one key, its own bounded mailbox and when it
 * last got a message. Everything shared by all keys (handlers, dependencies, limits) lives on its
 * `KeyedActorType`, so an idle activation costs little more than the instance and its mailbox.
 */
export class KeyActivation implements HandlerContextHost {
  phase: ActivationPhase = 'starting';
  /** `Date.now()` of the last delivery. */
  lastUsed: number;
  readonly mailbox: Mailbox<KeyedJob>;
  private ownTimers?: Timers;
  private streams?: Set<StreamCanceller>;

  constructor(
    readonly type: KeyedActorType,
    readonly key: string,
    readonly instance: object,
    now: number,
  ) {
    this.lastUsed = now;
    this.mailbox = new Mailbox<KeyedJob>(type.mailboxCapacity, type.run, type.reportRunnerError);
  }

  /** True when nothing is queued, running or streaming. */
  get idle(): boolean {
    return this.mailbox.idle && (this.streams === undefined || this.streams.size === 0);
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
