import { BroadcastEvent } from '../../core/runtime/broadcast-listener';
import { Logger } from '../../core/runtime/logger';
import { newCorrelationId } from '../protocol/correlation-id';
import { JSON_CODEC } from '../protocol/json-codec';
import { MessageType, PushNotification } from '../protocol/wire-types';
import { ListenerStats } from './listener-stats';

/** A connection as seen by the subscription manager. */
export interface PushTarget {
  /** The connection's subscribed type names. Owned by the manager; read-only for others. */
  readonly subscribedTypes: Set<string>;
  /** Offers one encoded push frame; false when dropped (push buffer full or closing). Never blocks. */
  offerPush(frame: Buffer): boolean;
}

/**
 * Per-connection subscriptions and push fan-out (PROTOCOL.md §2.5, §2.6, §5.4, §6).
 *
 * A broadcast of a registered type builds ONE notification — one `notification_id`, one
 * `timestamp_ms`, encoded once as JSON (pushes are always JSON) — and offers the same frame to
 * every subscribed connection. Offering never waits: a connection whose push buffer is full
 * loses that notification (counted as dropped); others and the broadcaster are unaffected.
 */
export class SubscriptionManager {
  private readonly byType = new Map<string, Set<PushTarget>>();

  constructor(
    private readonly stats: ListenerStats,
    private readonly logger: Logger,
  ) {}

  /** Adds names to `target`'s set (idempotent; any string, registered or not); returns the whole set. */
  subscribe(target: PushTarget, names: readonly string[]): string[] {
    for (const name of names) {
      if (target.subscribedTypes.has(name)) continue;
      target.subscribedTypes.add(name);
      this.targetsOf(name).add(target);
      this.stats.activeSubscriptions++;
    }
    return [...target.subscribedTypes];
  }

  /** Removes the names (unknown ones ignored); an empty list removes all (§2.5). Returns the remaining set. */
  unsubscribe(target: PushTarget, names: readonly string[]): string[] {
    for (const name of names.length === 0 ? [...target.subscribedTypes] : names) {
      if (!target.subscribedTypes.delete(name)) continue;
      this.stats.activeSubscriptions--;
      const targets = this.byType.get(name);
      targets?.delete(target);
      if (targets?.size === 0) this.byType.delete(name);
    }
    return [...target.subscribedTypes];
  }

  /** Disconnect: forgets every subscription of `target` (§6). */
  removeTarget(target: PushTarget): void {
    if (target.subscribedTypes.size > 0) this.unsubscribe(target, []);
  }

  /** The broker's outbound listener: turns one broadcast into pushes. Never throws, never blocks. */
  readonly onBroadcast = (event: BroadcastEvent): void => {
    const targets = this.byType.get(event.wireName);
    if (!targets || targets.size === 0) return;
    const frame = this.encode(event, targets.size);
    if (!frame) return;
    for (const target of targets) {
      if (target.offerPush(frame)) this.stats.pushNotificationsSent++;
      else this.stats.pushNotificationsDropped++;
    }
  };

  private encode(event: BroadcastEvent, subscribers: number): Buffer | undefined {
    const now = Date.now(); // the id's UUIDv7 time and timestamp_ms agree
    const notification: PushNotification = {
      notification_id: newCorrelationId('push', now),
      message_type: event.wireName,
      ...(event.sourceActor === undefined ? undefined : { source_actor: event.sourceActor }),
      payload: event.message,
      timestamp_ms: now,
    };
    try {
      return JSON_CODEC.encodeFrame(MessageType.PUSH, notification);
    } catch (err) {
      this.stats.pushNotificationsDropped += subscribers;
      this.logger.warn(
        `Broadcast of ${event.wireName} could not be pushed to ${subscribers} IPC subscriber(s): its payload is not JSON-serializable (${err instanceof Error ? err.message : String(err)}); make the message a plain data object`,
      );
      return undefined;
    }
  }

  private targetsOf(name: string): Set<PushTarget> {
    let targets = this.byType.get(name);
    if (!targets) {
      targets = new Set();
      this.byType.set(name, targets);
    }
    return targets;
  }
}
