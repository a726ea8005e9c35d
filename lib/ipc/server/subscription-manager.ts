import { BroadcastEvent } from '../../core/runtime/broadcast-listener';
import { Logger } from '../../core/runtime/logger';
import { newCorrelationId } from '../protocol/correlation-id';
import { JSON_CODEC } from '../protocol/json-codec';
import { MessageType, PushNotification } from '../protocol/wire-types';

/** A connection as seen by the subscription manager: somewhere to offer push frames. */
export interface PushTarget {
  /** Offers one encoded push frame; false when dropped (push buffer full or closing). Never blocks. */
  offerPush(frame: Buffer): boolean;
}

/** The subscription and push counters of `IpcListenerStats` (§7). */
export interface SubscriptionCounts {
  readonly subscriptionsProcessed: number;
  readonly activeSubscriptions: number;
  readonly pushNotificationsSent: number;
  readonly pushNotificationsDropped: number;
}

/**
 * Per-connection subscriptions and push fan-out (docs/protocol.md §2.5, §2.6, §5.4, §6). The
 * manager owns every subscription set (by connection and by type) and its counters.
 *
 * A broadcast of a registered type builds ONE notification — one `notification_id`, one
 * `timestamp_ms`, encoded once as JSON (pushes are always JSON) — and offers the same frame to
 * every subscribed connection. Offering never waits: a connection whose push buffer is full
 * loses that notification (counted as dropped); others and the broadcaster are unaffected.
 */
export class SubscriptionManager {
  private readonly byType = new Map<string, Set<PushTarget>>();
  private readonly byTarget = new Map<PushTarget, Set<string>>();
  private processed = 0;
  private active = 0;
  private sent = 0;
  private dropped = 0;

  constructor(private readonly logger: Logger) {}

  /** Adds names to `target`'s set (idempotent; any string, registered or not); returns the whole set. */
  subscribe(target: PushTarget, names: readonly string[]): string[] {
    this.processed++;
    let types = this.byTarget.get(target);
    if (!types) {
      types = new Set();
      this.byTarget.set(target, types);
    }
    for (const name of names) {
      if (types.has(name)) continue;
      types.add(name);
      this.targetsOf(name).add(target);
      this.active++;
    }
    return [...types];
  }

  /** Removes the names (unknown ones ignored); an empty list removes all (§2.5). Returns the remaining set. */
  unsubscribe(target: PushTarget, names: readonly string[]): string[] {
    this.processed++;
    return this.remove(target, names);
  }

  /** How many type names `target` is subscribed to (the §5.3 read timeout depends on it). */
  subscriptionCount(target: PushTarget): number {
    return this.byTarget.get(target)?.size ?? 0;
  }

  /** Disconnect: forgets every subscription of `target` (§6). */
  removeTarget(target: PushTarget): void {
    this.remove(target, []);
  }

  /** The counters for `IpcListenerStats`. */
  counts(): SubscriptionCounts {
    return {
      subscriptionsProcessed: this.processed,
      activeSubscriptions: this.active,
      pushNotificationsSent: this.sent,
      pushNotificationsDropped: this.dropped,
    };
  }

  /** The broker's outbound listener: turns one broadcast into pushes. Never throws, never blocks. */
  readonly onBroadcast = (event: BroadcastEvent): void => {
    const targets = this.byType.get(event.wireName);
    if (!targets || targets.size === 0) return;
    const frame = this.encode(event, targets.size);
    if (!frame) return;
    for (const target of targets) {
      if (target.offerPush(frame)) this.sent++;
      else this.dropped++;
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
      this.dropped += subscribers;
      this.logger.warn(
        `Broadcast of ${event.wireName} could not be pushed to ${subscribers} IPC subscriber(s): its payload is not ` +
          `JSON-serializable (${errorText(err)}); make the message a plain data object`,
      );
      return undefined;
    }
  }

  private remove(target: PushTarget, names: readonly string[]): string[] {
    const types = this.byTarget.get(target);
    if (!types) return [];
    for (const name of names.length === 0 ? [...types] : names) {
      if (!types.delete(name)) continue;
      this.active--;
      const targets = this.byType.get(name);
      targets?.delete(target);
      if (targets?.size === 0) this.byType.delete(name);
    }
    if (types.size === 0) this.byTarget.delete(target);
    return [...types];
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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
