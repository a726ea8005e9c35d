import { Observable, Subscriber } from 'rxjs';
import { isPattern, patternListProblem, type PushNotification } from '../ipc/protocol';

/** Sends the subscription frames; implemented by `ActonClient` for its current connection. */
export interface SubscriptionWire {
  /** Names (exact types and `Prefix*` patterns) that now have their first local subscriber. */
  subscribe(names: readonly string[]): void;
  /** Names whose last local subscriber left (never empty: an empty list would remove all, §2.5, §11.1). */
  unsubscribe(names: readonly string[]): void;
}

interface Listener {
  readonly names: ReadonlySet<string>;
  readonly types: ReadonlySet<string>;
  /** Literal prefixes of the listener's patterns (`Order*` → `Order`). */
  readonly prefixes: readonly string[];
  readonly subscriber: Subscriber<PushNotification>;
}

/**
 * The client's push subscriptions: a reference count per name (exact type or `Prefix*` pattern,
 * docs/protocol.md §11.1) over every local Observable, so the server is told Subscribe on a
 * name's first local subscriber and Unsubscribe when its last one leaves (§2.5, §6), and each
 * push goes, once, only to the Observables whose types or patterns match it.
 */
export class PushSubscriptions {
  private readonly counts = new Map<string, number>();
  private readonly listeners = new Set<Listener>();
  private ended?: { readonly error?: unknown };

  constructor(private readonly wire: SubscriptionWire) {}

  /** Names with at least one local subscriber (what to re-subscribe after a reconnect). */
  wantedTypes(): string[] {
    return [...this.counts.keys()];
  }

  /**
   * A cold Observable of the pushes of `names`: subscribing registers interest (Subscribe is
   * sent for names nobody wanted yet), unsubscribing withdraws it. A name holding a `*` is a
   * pattern (`Order*`: every type starting with `Order`; `*`: every type).
   * @throws TypeError (synchronously) when `names` is empty, holds a non-string / empty name, or
   *   a pattern that breaks the §11.1 rules (the reference's text, e.g. `pattern must contain
   *   exactly one terminal '*'`)
   */
  observe(names: readonly string[]): Observable<PushNotification> {
    const wanted = new Set(names);
    if (wanted.size === 0 || [...wanted].some((name) => typeof name !== 'string' || name.length === 0)) {
      throw new TypeError(
        `subscribe() needs one or more non-empty message type names or patterns, got ${JSON.stringify(names)}`,
      );
    }
    const patterns = [...wanted].filter(isPattern);
    const problem = patternListProblem(patterns);
    if (problem) throw new TypeError(`subscribe() got an invalid pattern in ${JSON.stringify(patterns)}: ${problem}`);
    return new Observable<PushNotification>((subscriber) => {
      if (this.ended) {
        if (this.ended.error === undefined) subscriber.complete();
        else subscriber.error(this.ended.error);
        return undefined;
      }
      const types = new Set([...wanted].filter((name) => !isPattern(name)));
      const listener: Listener = { names: wanted, types, prefixes: patterns.map((p) => p.slice(0, -1)), subscriber };
      this.listeners.add(listener);
      this.retain(wanted);
      return () => {
        if (this.listeners.delete(listener)) this.release(wanted);
      };
    });
  }

  /** Hands `push` once to every Observable whose types or patterns match its type. */
  deliver(push: PushNotification): void {
    const type = push.message_type;
    for (const listener of [...this.listeners]) {
      if (listener.types.has(type) || listener.prefixes.some((prefix) => type.startsWith(prefix)))
        listener.subscriber.next(push);
    }
  }

  /**
   * The server refused a subscription (e.g. `ACCESS_DENIED`, docs/protocol.md §11.2): every
   * Observable that asked for one of `names` errors with `error` and withdraws its interest.
   */
  reject(names: readonly string[], error: unknown): void {
    for (const listener of [...this.listeners]) {
      if (!names.some((name) => listener.names.has(name))) continue;
      this.listeners.delete(listener);
      this.release(listener.names);
      listener.subscriber.error(error);
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
