import { ActorError } from '../../errors/actor-error';
import { ErrorCode } from '../../errors/error-code';
import { ErrorMessages } from '../../errors/error-messages';
import { ResolvedSupervision } from '../../metadata/supervision-options';
import { Broker } from '../broker';
import { Clock } from '../clock';
import { Logger } from '../logger';
import { BackoffTimers, RestartDecision, RestartHistory } from '../restart-backoff';
import { ActorRestarted, ActorStopped, publishSupervisionEvent, RestartLimitExceeded } from '../supervision-events';
import type { KeyActivation } from './key-activation';

/** What the supervision of a keyed actor needs from the app. */
export interface KeyedSupervisionServices {
  readonly clock: Clock;
  /** The app's broker: the supervision events go out on it. */
  readonly broker: Broker;
  readonly logger: Logger;
}

/** What it needs from its keyed actor type (`KeyedActorType`). */
export interface KeyedRestartHost {
  readonly name: string;
  /**
   * The failed activation stops serving: its mailbox waits (new messages still queue), its
   * running handlers finish (bounded), its timers and streams end with `reason`, `onStop` runs.
   * Its state is not saved (`onPassivate` is skipped).
   */
  retireFailed(activation: KeyActivation, reason: unknown): Promise<void>;
  /**
   * The retired activation is gone. Without `failQueuedWith`: a fresh activation of its key
   * (`onActivate` with the last saved state, `onStart`) takes the queued messages, in order, and
   * is returned (undefined when none could start, e.g. the app closes). With it: the queued
   * messages fail with it, and the key re-activates on its next message.
   */
  replaceRetired(activation: KeyActivation, failQueuedWith?: unknown): KeyActivation | undefined;
}

/** Restart records older than this many windows are dropped when the map is pruned. */
const PRUNE_GROWTH = 2;

/**
 * Supervision of a keyed actor's activations (`@Actor({ cluster: 'keyed', supervision })`): the
 * actor's policy applied per key, as the app's `Supervisor` applies it per actor. A handler of
 * `cart/u-42` that fails (throws a non-`ActorError`, a failing stream):
 *
 * - `permanent` / `transient`: the activation restarts: retired (see `KeyedRestartHost`; its
 *   in-memory state is dropped, not saved: the state of a failed instance is suspect), then,
 *   after the backoff on the app's clock, a fresh activation loads the last saved state and
 *   takes the messages queued meanwhile; `ActorRestarted { name: 'cart/u-42' }`.
 * - `temporary`, or past `maxRestarts` within `withinMs` (`RestartLimitExceeded` first): the
 *   activation is retired, its queued messages fail with `IO_ERROR` "Recipient channel is
 *   closed", and `ActorStopped` is broadcast; the key stays addressable (a virtual actor): its
 *   next message activates it again. Nothing escalates: a keyed actor has no parent.
 *
 * Restart limits and backoff are counted per key; a key's record is dropped once it is older
 * than the window. Normal stops (`ctx.stop()`) passivate instead (see `KeyActivation.stopSelf`).
 */
export class KeyedSupervision {
  private readonly histories = new Map<string, { history: RestartHistory; lastFailureAt: number }>();
  private pruneAt = 1_024;
  private readonly backoffs: BackoffTimers;
  private readonly inProgress = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly host: KeyedRestartHost,
    private readonly policy: ResolvedSupervision,
    private readonly services: KeyedSupervisionServices,
  ) {
    this.backoffs = new BackoffTimers(services.clock);
  }

  /** A handler of `activation` failed with `err` (its caller already heard it): apply the policy. */
  failed(activation: KeyActivation, err: unknown): void {
    if (this.closed) return;
    const decision = this.policy.restart === 'temporary' ? undefined : this.decide(activation.key);
    const work = this.carryOut(activation, err, decision).catch((unexpected: unknown) =>
      this.services.logger.error(
        `Supervision of keyed actor '${this.host.name}/${activation.key}' failed: ${describe(unexpected)}`,
        unexpected,
      ),
    );
    this.inProgress.add(work);
    void work.finally(() => this.inProgress.delete(work));
  }

  /** The app closes: no more restarts; waiting backoffs end at once. Resolves when every restart in progress ended. */
  async close(): Promise<void> {
    this.closed = true;
    this.backoffs.wakeAll();
    await Promise.all([...this.inProgress]);
  }

  private async carryOut(activation: KeyActivation, err: unknown, decision?: RestartDecision): Promise<void> {
    const name = `${this.host.name}/${activation.key}`;
    const cause = describe(err);
    const { logger } = this.services;
    if (decision?.restart) {
      await this.host.retireFailed(
        activation,
        new ActorError(ErrorCode.IO_ERROR, `Actor '${name}' restarted (${cause})`),
      );
      if (!this.closed) await this.backoffs.wait(decision.delayMs);
      if (!this.host.replaceRetired(activation)) return;
      logger.info(`Keyed actor '${name}' restarted (attempt ${decision.attempt}): ${cause}`);
      this.publish(Object.assign(new ActorRestarted(), { name, attempt: decision.attempt, cause }));
      return;
    }
    let reason = `failed: ${cause}`;
    if (decision) {
      reason = 'restart limit exceeded';
      const limit = `${this.policy.maxRestarts} times within ${this.policy.withinMs} ms`;
      logger.error(`Keyed actor '${name}' failed more than ${limit} (last: ${cause}); stopping it`, err);
      this.publish(Object.assign(new RestartLimitExceeded(), { name }));
    }
    const closed = new ActorError(ErrorCode.IO_ERROR, ErrorMessages.RECIPIENT_CLOSED);
    await this.host.retireFailed(activation, closed);
    this.host.replaceRetired(activation, closed);
    logger.warn(`Keyed actor '${name}' stopped: ${reason} (its next message activates it again)`);
    this.publish(Object.assign(new ActorStopped(), { name, reason }));
  }

  private decide(key: string): RestartDecision {
    const now = this.services.clock.now();
    let record = this.histories.get(key);
    if (!record) {
      if (this.histories.size >= this.pruneAt) this.prune(now);
      this.histories.set(key, (record = { history: new RestartHistory(this.policy), lastFailureAt: now }));
    }
    record.lastFailureAt = now;
    return record.history.onFailure(now);
  }

  /** Drops the records that no longer matter (older than the window and the backoff reset). */
  private prune(now: number): void {
    const horizon = Math.max(this.policy.withinMs, this.policy.resetAfterMs);
    for (const [key, record] of this.histories) if (now - record.lastFailureAt >= horizon) this.histories.delete(key);
    this.pruneAt = Math.max(1_024, this.histories.size * PRUNE_GROWTH);
  }

  private publish(event: object): void {
    publishSupervisionEvent(this.services.broker, this.services.logger, event);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
