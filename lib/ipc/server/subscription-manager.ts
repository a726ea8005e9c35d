import { BroadcastEvent } from '../../core/runtime/broadcast-hub';
import { Logger } from '../../core/runtime/logger';
import { newCorrelationId } from '../protocol/correlation-id';
import { JSON_CODEC } from '../protocol/json-codec';
import { MAX_PATTERNS_PER_CONNECTION, patternListProblem, PatternErrors } from '../protocol/pattern-subscription';
import { MessageType, PushNotification } from '../protocol/wire-types';
import { SubscriptionIndex } from './subscription-index';

/** A connection as seen by the subscription manager: somewhere to offer push frames. */
export interface PushTarget {
  /**
   * Offers one encoded push frame of `messageType`; false when dropped (push buffer full,
   * closing, or the security policy refused this delivery, docs/protocol.md §11.2). Never blocks;
   * a Promise when the policy decides asynchronously.
   */
  offerPush(frame: Buffer, messageType: string): boolean | Promise<boolean>;
}

/** The subscription and push counters of `IpcListenerStats` (§7). */
export interface SubscriptionCounts {
  readonly subscriptionsProcessed: number;
  readonly activeSubscriptions: number;
  readonly activePatternSubscriptions: number;
  readonly pushNotificationsSent: number;
  readonly pushNotificationsDropped: number;
}

/** The outcome of a pattern frame (docs/protocol.md §11.1): the patterns now held, or why nothing changed. */
export type PatternChange = { readonly patterns: readonly string[] } | { readonly error: string };

/**
 * Per-connection subscriptions and push fan-out (docs/protocol.md §2.5, §2.6, §5.4, §6, §11.1).
 * The manager owns every subscription (exact names and patterns, in a `SubscriptionIndex`) and
 * its counters.
 *
 * A broadcast of a registered type builds ONE notification — one `notification_id`, one
 * `timestamp_ms`, encoded once as JSON (pushes are always JSON) — and offers the same frame once
 * to every connection whose exact or pattern subscriptions match. Offering never waits: a
 * connection whose push buffer is full loses that notification (counted as dropped); others and
 * the broadcaster are unaffected.
 */
export class SubscriptionManager {
  private readonly index = new SubscriptionIndex<PushTarget>();
  private processed = 0;
  private active = 0;
  private activePatterns = 0;
  private sent = 0;
  private dropped = 0;

  constructor(private readonly logger: Logger) {}

  /** Adds names to `target`'s set (idempotent; any string, registered or not); returns the whole set. */
  subscribe(target: PushTarget, names: readonly string[]): readonly string[] {
    this.processed++;
    this.active += this.index.addTypes(target, names);
    return this.index.typesOf(target);
  }

  /**
   * Removes the names (unknown ones ignored). An empty list removes all exact subscriptions and,
   * since 9.3, every pattern too (§2.5, §11.1). Returns the remaining exact set.
   */
  unsubscribe(target: PushTarget, names: readonly string[]): readonly string[] {
    this.processed++;
    if (names.length === 0) this.removeTarget(target);
    else this.active -= this.index.removeTypes(target, names);
    return this.index.typesOf(target);
  }

  /**
   * Adds patterns, all or nothing (§11.1): the first invalid pattern, more than 128 in the
   * request, or more than 128 held after the union rejects the request and changes nothing.
   */
  subscribePatterns(target: PushTarget, patterns: readonly string[]): PatternChange {
    this.processed++;
    const problem = patternListProblem(patterns);
    if (problem) return { error: problem };
    const held = this.index.patternCountOf(target);
    if (held + this.index.newPatternCount(target, patterns) > MAX_PATTERNS_PER_CONNECTION)
      return { error: PatternErrors.LIMIT_EXCEEDED };
    this.activePatterns += this.index.addPatterns(target, patterns);
    return { patterns: this.index.patternsOf(target) };
  }

  /**
   * Removes patterns, validated like a subscribe; an empty list removes every pattern and keeps
   * exact subscriptions (§11.1).
   */
  unsubscribePatterns(target: PushTarget, patterns: readonly string[]): PatternChange {
    this.processed++;
    const problem = patternListProblem(patterns);
    if (problem) return { error: problem };
    this.activePatterns -= this.index.removePatterns(
      target,
      patterns.length === 0 ? this.index.patternsOf(target) : patterns,
    );
    return { patterns: this.index.patternsOf(target) };
  }

  /** How many names and patterns `target` holds (the §5.3 read timeout depends on it, §11.1). */
  subscriptionCount(target: PushTarget): number {
    return this.index.countOf(target);
  }

  /** Disconnect or revocation: forgets every subscription of `target` (§6, §11.2). */
  removeTarget(target: PushTarget): void {
    const removed = this.index.removeTarget(target);
    this.active -= removed.types;
    this.activePatterns -= removed.patterns;
  }

  /** The counters for `IpcListenerStats`. */
  counts(): SubscriptionCounts {
    return {
      subscriptionsProcessed: this.processed,
      activeSubscriptions: this.active,
      activePatternSubscriptions: this.activePatterns,
      pushNotificationsSent: this.sent,
      pushNotificationsDropped: this.dropped,
    };
  }

  /** The broker's outbound listener: turns one broadcast into pushes. Never throws, never blocks. */
  readonly onBroadcast = (event: BroadcastEvent): void => {
    const targets = this.index.recipients(event.wireName);
    if (targets.length === 0) return;
    const frame = this.encode(event, targets.length);
    if (!frame) return;
    for (const target of targets) {
      const offered = target.offerPush(frame, event.wireName);
      if (offered === true) this.sent++;
      else if (offered === false) this.dropped++;
      else void offered.then((accepted) => (accepted ? this.sent++ : this.dropped++));
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
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
