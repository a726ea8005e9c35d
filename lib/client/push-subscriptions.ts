import { Observable, Subscriber } from 'rxjs';
import type { PushNotification } from '../ipc/protocol';

/** Sends the subscription frames; implemented by `ActonClient` for its current connection. */
export interface SubscriptionWire {
  /** Types that now have their first local subscriber. */
  subscribe(types: readonly string[]): void;
  /** Types whose last local subscriber left (never empty: an empty list would remove all, §2.5). */
  unsubscribe(types: readonly string[]): void;
}

interface Listener {
  readonly types: ReadonlySet<string>;
  readonly subscriber: Subscriber<PushNotification>;
}

/**
 * The client's push subscriptions: a reference count per message type over every local
 * Observable, so the server is told Subscribe on a type's first local subscriber and Unsubscribe
 * when its last one leaves (docs/protocol.md §2.5, §6), and each push goes only to the Observables
 * that asked for its type.
 */
export class PushSubscriptions {
  private readonly counts = new Map<string, number>();
  private readonly listeners = new Set<Listener>();
  private ended?: { readonly error?: unknown };

  constructor(private readonly wire: SubscriptionWire) {}

  /** Types with at least one local subscriber (what to re-subscribe after a reconnect). */
  wantedTypes(): string[] {
    return [...this.counts.keys()];
  }

  /**
   * A cold Observable of the pushes of `types`: subscribing registers interest (Subscribe is
   * sent for types nobody wanted yet), unsubscribing withdraws it.
   * @throws TypeError (synchronously) when `types` is empty or holds a non-string / empty name
   */
  observe(types: readonly string[]): Observable<PushNotification> {
    const wanted = new Set(types);
    if (wanted.size === 0 || [...wanted].some((type) => typeof type !== 'string' || type.length === 0)) {
      throw new TypeError(`subscribe() needs one or more non-empty message type names, got ${JSON.stringify(types)}`);
    }
    return new Observable<PushNotification>((subscriber) => {
      if (this.ended) {
        if (this.ended.error === undefined) subscriber.complete();
        else subscriber.error(this.ended.error);
        return undefined;
      }
      const listener: Listener = { types: wanted, subscriber };
      this.listeners.add(listener);
      this.retain(wanted);
      return () => {
        if (this.listeners.delete(listener)) this.release(wanted);
      };
    });
  }

  /** Hands `push` to every Observable subscribed to its type. */
  deliver(push: PushNotification): void {
    for (const listener of [...this.listeners]) {
      if (listener.types.has(push.message_type)) listener.subscriber.next(push);
    }
  }

  /** Ends every Observable (complete, or error with `error`); later `observe`s end at once the same way. */
  end(error?: unknown): void {
    this.ended = { error };
    const listeners = [...this.listeners];
    this.listeners.clear();
    this.counts.clear();
    for (const { subscriber } of listeners) {
      if (error === undefined) subscriber.complete();
      else subscriber.error(error);
    }
  }

  private retain(types: ReadonlySet<string>): void {
    const added: string[] = [];
    for (const type of types) {
      const count = this.counts.get(type) ?? 0;
      this.counts.set(type, count + 1);
      if (count === 0) added.push(type);
    }
    if (added.length > 0) this.wire.subscribe(added);
  }

  private release(types: ReadonlySet<string>): void {
    const removed: string[] = [];
    for (const type of types) {
      const count = (this.counts.get(type) ?? 1) - 1;
      if (count > 0) this.counts.set(type, count);
      else {
        this.counts.delete(type);
        removed.push(type);
      }
    }
    if (removed.length > 0) this.wire.unsubscribe(removed);
  }
}
