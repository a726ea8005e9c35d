/** What one connection holds: exact names (§2.5) and patterns as written (docs/protocol.md §11.1). */
interface Held {
  readonly types: Set<string>;
  readonly patterns: Set<string>;
}

/** How many wire names keep their computed recipient list (oldest forgotten first). */
export const DEFAULT_ROUTE_CACHE_SIZE = 1024;

const NOTHING: readonly never[] = Object.freeze([]);

/**
 * The connections holding one name or prefix: two or more in a `Holders` set; a lone one is
 * kept as itself, with no set. Most patterns are held by one connection only (a subscriber's
 * own prefixes), so this spares each of them a set, its allocation and its share of GC time.
 */
class Holders<T> extends Set<T> {}

type HeldBy<T> = T | Holders<T>;

/**
 * Which connections get a push for a wire name (docs/protocol.md §6, §11.1), each at most once
 * however many of its exact and pattern subscriptions match; and what each connection holds.
 *
 * A pattern is a literal prefix plus `*` (§11.1), indexed as written (the held string itself is
 * the key: no prefix string per pattern), so finding the pattern subscribers of a name looks up
 * each of the name's prefixes plus `*` (at most the longest held prefix's length): the cost
 * does not grow with the number of patterns that do not match. The computed recipient list of a
 * name is cached (bounded to `cacheSize` names) and the whole cache is dropped on any change, so
 * a steady broadcast costs one map lookup plus one offer per recipient.
 *
 * @typeParam T the connection type (compared by identity)
 */
export class SubscriptionIndex<T> {
  private readonly held = new Map<T, Held>();
  private readonly exact = new Map<string, HeldBy<T>>();
  /** By pattern as written (`Price*`). */
  private readonly byPattern = new Map<string, HeldBy<T>>();
  private readonly routes = new Map<string, readonly T[]>();
  private longestPrefix = -1;

  /** @param cacheSize how many names keep their recipient list (≥ 1) */
  constructor(private readonly cacheSize = DEFAULT_ROUTE_CACHE_SIZE) {}

  /** The exact names `target` holds. */
  typesOf(target: T): readonly string[] {
    const held = this.held.get(target);
    return held ? [...held.types] : NOTHING;
  }

  /** The patterns `target` holds, sorted (the order §11.1 answers them in). */
  patternsOf(target: T): readonly string[] {
    const held = this.held.get(target);
    return held ? [...held.patterns].sort() : NOTHING;
  }

  /** How many exact names plus patterns `target` holds. */
  countOf(target: T): number {
    const held = this.held.get(target);
    return held ? held.types.size + held.patterns.size : 0;
  }

  /** How many patterns `target` holds. */
  patternCountOf(target: T): number {
    return this.held.get(target)?.patterns.size ?? 0;
  }

  /** How many of `patterns` `target` does not hold yet (counted once each). */
  newPatternCount(target: T, patterns: readonly string[]): number {
    const held = this.held.get(target)?.patterns;
    let count = 0;
    // No set built: a request holds at most 128 patterns (§11.1), so repeats are found by indexOf.
    for (let i = 0; i < patterns.length; i++) {
      if (!held?.has(patterns[i]) && patterns.indexOf(patterns[i]) === i) count++;
    }
    return count;
  }

  /** Adds exact names (idempotent); returns how many were new. */
  addTypes(target: T, names: readonly string[]): number {
    return this.add(this.holdingOf(target).types, this.exact, target, names);
  }

  /** Removes exact names (unknown ones ignored); returns how many were removed. */
  removeTypes(target: T, names: readonly string[]): number {
    const held = this.held.get(target);
    return held ? this.finish(target, this.remove(held.types, this.exact, target, names)) : 0;
  }

  /** Adds validated patterns (idempotent); returns how many were new. */
  addPatterns(target: T, patterns: readonly string[]): number {
    const added = this.add(this.holdingOf(target).patterns, this.byPattern, target, patterns);
    // A pattern's prefix is the pattern less its trailing `*` (docs/protocol.md §11.1).
    for (const pattern of patterns) this.longestPrefix = Math.max(this.longestPrefix, pattern.length - 1);
    return added;
  }

  /** Removes patterns (unknown ones ignored); returns how many were removed. */
  removePatterns(target: T, patterns: readonly string[]): number {
    const held = this.held.get(target);
    if (!held) return 0;
    const removed = this.remove(held.patterns, this.byPattern, target, patterns);
    // The longest held prefix only bounds the lookups (never below what is held); reset when none are left.
    if (this.byPattern.size === 0) this.longestPrefix = -1;
    return this.finish(target, removed);
  }

  /** Forgets everything `target` holds; returns how many exact names and patterns it held. */
  removeTarget(target: T): { readonly types: number; readonly patterns: number } {
    const held = this.held.get(target);
    if (!held) return { types: 0, patterns: 0 };
    const types = this.remove(held.types, this.exact, target, [...held.types]);
    const patterns = this.remove(held.patterns, this.byPattern, target, [...held.patterns]);
    if (this.byPattern.size === 0) this.longestPrefix = -1;
    this.held.delete(target);
    return { types, patterns };
  }

  /** Every connection to push `name` to, each once. The array is shared: do not modify it. */
  recipients(name: string): readonly T[] {
    const cached = this.routes.get(name);
    if (cached) return cached;
    const found = new Set<T>();
    addHolders(found, this.exact.get(name));
    const longest = Math.min(this.longestPrefix, name.length);
    for (let length = 0; length <= longest; length++) {
      addHolders(found, this.byPattern.get(`${length === name.length ? name : name.slice(0, length)}*`));
    }
    const route = found.size === 0 ? NOTHING : [...found];
    if (this.routes.size >= this.cacheSize) this.routes.delete(this.routes.keys().next().value!);
    this.routes.set(name, route);
    return route;
  }

  private holdingOf(target: T): Held {
    let held = this.held.get(target);
    if (!held) this.held.set(target, (held = { types: new Set(), patterns: new Set() }));
    return held;
  }

  /** Forgets a connection that holds nothing any more. */
  private finish(target: T, removed: number): number {
    if (this.countOf(target) === 0) this.held.delete(target);
    return removed;
  }

  private add(own: Set<string>, index: Map<string, HeldBy<T>>, target: T, items: readonly string[]): number {
    let added = 0;
    for (const item of items) {
      const size = own.size;
      if (own.add(item).size === size) continue; // held already
      const holders = index.get(item);
      if (holders === undefined) index.set(item, target);
      else if (holders instanceof Holders) holders.add(target);
      else index.set(item, new Holders<T>([holders, target])); // held by another connection already
      added++;
    }
    if (added > 0) this.routes.clear();
    return added;
  }

  private remove(own: Set<string>, index: Map<string, HeldBy<T>>, target: T, items: readonly string[]): number {
    let removed = 0;
    for (const item of items) {
      if (!own.delete(item)) continue;
      const holders = index.get(item);
      if (holders instanceof Holders) {
        holders.delete(target);
        if (holders.size === 0) index.delete(item);
      } else if (holders === target) {
        index.delete(item);
      }
      removed++;
    }
    if (removed > 0) this.routes.clear();
    return removed;
  }
}

/** Adds the connections of one index entry (a lone one or a set; none when absent) to `found`. */
function addHolders<T>(found: Set<T>, holders: HeldBy<T> | undefined): void {
  if (holders === undefined) return;
  if (holders instanceof Holders) for (const target of holders) found.add(target);
  else found.add(holders);
}
