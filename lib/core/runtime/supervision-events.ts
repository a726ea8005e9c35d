import { Message } from '../decorators/message.decorator';
import type { Broker } from './broker';
import type { Logger } from './logger';

/**
 * Broadcast on the app's `Broker` after an actor was restarted (a fresh instance took over
 * its name and mailbox). IPC clients receive it by subscribing to `ActorRestarted`.
 */
@Message('ActorRestarted')
export class ActorRestarted {
  /** Full name of the actor (`parent/child` for a child, `cart/u-42` for a keyed actor's key). */
  name!: string;
  /** Consecutive restart number since the backoff last reset (1, 2, …). */
  attempt!: number;
  /**
   * Message of the failure that caused it (a sibling's, under one-for-all / rest-for-one), or
   * `normal` / `normal: <reason>` when a `permanent` actor stopped itself (`ctx.stop()`).
   */
  cause!: string;
}

/** Broadcast when an actor stopped because of supervision or `ctx.stop()` (not when the app closes). */
@Message('ActorStopped')
export class ActorStopped {
  name!: string;
  /**
   * Why: e.g. `failed: <message>` (temporary), `restart limit exceeded`, `parent 'x' stopped`,
   * `stopped itself (normal: <reason>)` (`ctx.stop()`).
   */
  reason!: string;
}

/** Broadcast when an actor failed more than `maxRestarts` times within `withinMs`; it stops and escalates. */
@Message('RestartLimitExceeded')
export class RestartLimitExceeded {
  name!: string;
}

/** Broadcasts a supervision `event` on the app's `broker`; a failing broadcast is logged, never thrown. */
export function publishSupervisionEvent(broker: Broker, logger: Logger, event: object): void {
  try {
    broker.broadcast(event);
  } catch (err) {
    logger.error(
      `Could not broadcast ${event.constructor.name}: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
}

/** The supervision event classes, registered in every app's message registry. */
export const SUPERVISION_EVENTS = [ActorRestarted, ActorStopped, RestartLimitExceeded] as const;
