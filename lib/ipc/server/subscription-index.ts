import { patternPrefix } from '../protocol/pattern-subscription';

/** A connection as the index sees it. Both sets are owned by the index; read-only for others. */
export interface Subscriber {
  /** Exact subscriptions (§2.5). */
  readonly subscribedTypes: Set<string>;
  /** Pattern subscriptions as written, e.g. `Order*` (docs/protocol.md §11.1). */
  readonly subscribedPatterns: Set<string>;
}

/** How many wire names keep their computed recipient list (oldest forgotten first). */
export const DEFAULT_ROUTE_CACHE_SIZE = 1024;

/**
 * Which connections get a push for a wire name (docs/protocol.md §6, §11.1), each at most once
 * however many of its exact and pattern subscriptions match.
 *
 * Patterns are indexed by their literal prefix, so finding the pattern subscribers of a name
 * looks up each of the name's prefixes (at most the longest held prefix's length): the cost
 * does not grow with the number of patterns that do not match. The computed recipient list of a
 * name is cached (bounded to `cacheSize` names) and the whole cache is dropped on any change, so
 * a steady broadcast costs one map lookup plus one offer per recipient.
 */
export class SubscriptionIndex<T extends Subscriber> {
  private readonly exact = new Map<string, Set<T>>();
  private readonly byPrefix = new Map<string, Set<T>>();
  private readonly routes = new Map<string, readonly T[]>();
  private longestPrefix = -1;

  /** @param cacheSize how many names keep their recipient list (≥ 1) */
  constructor(private readonly cacheSize = DEFAULT_ROUTE_CACHE_SIZE) {}

  /** Adds exact names (idempotent); returns how many were new. */
  addTypes(target: T, names: readonly string[]): number {
    return this.add(target.subscribedTypes, this.exact, target, names, (name) => name);
  }

  /** Removes exact names (unknown ones ignored); returns how many were removed. */
  removeTypes(target: T, names: readonly string[]): number {
    return this.remove(target.subscribedTypes, this.exact, target, names, (name) => name);
  }

  /** Adds validated patterns (idempotent); returns how many were new. */
  addPatterns(target: T, patterns: readonly string[]): number {
    const added = this.add(target.subscribedPatterns, this.byPrefix, target, patterns, patternPrefix);
    for (const pattern of patterns) this.longestPrefix = Math.max(this.longestPrefix, patternPrefix(pattern).length);
    return added;
  }

  /** Removes patterns (unknown ones ignored); returns how many were removed. */
  removePatterns(target: T, patterns: readonly string[]): number {
    const removed = this.remove(target.subscribedPatterns, this.byPrefix, target, patterns, patternPrefix);
    if (removed > 0) this.longestPrefix = Math.max(-1, ...[...this.byPrefix.keys()].map((prefix) => prefix.length));
    return removed;
  }

  /** Every connection to push `name` to, each once. The array is shared: do not modify it. */
  recipients(name: string): readonly T[] {
    const cached = this.routes.get(name);
    if (cached) return cached;
    const found = new Set<T>(this.exact.get(name));
    const longest = Math.min(this.longestPrefix, name.length);
    for (let length = 0; length <= longest; length++) {
      const holders = this.byPrefix.get(length === name.length ? name : name.slice(0, length));
      if (holders) for (const target of holders) found.add(target);
    }
    const route = [...found];
    if (this.routes.size >= this.cacheSize) this.routes.delete(this.routes.keys().next().value!);
    this.routes.set(name, route);
    return route;
  }

  private add(own: Set<string>, index: Map<string, Set<T>>, target: T, items: readonly string[], key: (item: string) => string): number {
    let added = 0;
    for (const item of items) {
      if (own.has(item)) continue;
      own.add(item);
      const k = key(item);
      let holders = index.get(k);
      if (!holders) index.set(k, (holders = new Set()));
      holders.add(target);
      added++;
    }
    if (added > 0) this.routes.clear();
    return added;
  }

  private remove(own: Set<string>, index: Map<string, Set<T>>, target: T, items: readonly string[], key: (item: string) => string): number {
    let removed = 0;
    for (const item of items) {
      if (!own.delete(item)) continue;
      const k = key(item);
      const holders = index.get(k);
      holders?.delete(target);
      if (holders?.size === 0) index.delete(k);
      removed++;
    }
    if (removed > 0) this.routes.clear();
    return removed;
  }
}
