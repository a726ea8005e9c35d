import { SubscriptionIndex } from '../../../lib/ipc/server/subscription-index';

type Conn = { readonly name: string };
const conn = (name: string): Conn => ({ name });
const names = (targets: readonly Conn[]): string[] => targets.map((t) => t.name).sort();

describe('SubscriptionIndex: who gets a push for a wire name (docs/protocol.md §11.1)', () => {
  it('routes exact and pattern subscribers, each once however many subscriptions match', () => {
    const index = new SubscriptionIndex<Conn>();
    const [a, b, c] = [conn('a'), conn('b'), conn('c')];
    index.addTypes(a, ['OrderPlaced']);
    index.addPatterns(a, ['Order*', 'Ord*', '*']);
    index.addPatterns(b, ['Price*']);
    index.addPatterns(c, ['OrderPlaced*']);
    expect(names(index.recipients('OrderPlaced'))).toEqual(['a', 'c']);
    expect(names(index.recipients('PriceUpdate'))).toEqual(['a', 'b']);
    expect(names(index.recipients('Price'))).toEqual(['a', 'b']); // the prefix itself matches
    expect(names(index.recipients('Pric'))).toEqual(['a']);
    expect(names(index.recipients(''))).toEqual(['a']);
  });

  it('is case-sensitive and treats ?, [ and . literally', () => {
    const index = new SubscriptionIndex<Conn>();
    const a = conn('a');
    index.addPatterns(a, ['a.b?*']);
    expect(index.recipients('a.b?c')).toEqual([a]);
    expect(index.recipients('axbxc')).toEqual([]);
    expect(index.recipients('A.b?c')).toEqual([]);
  });

  it('forgets the cached route when subscriptions change, and a connection that holds nothing', () => {
    const index = new SubscriptionIndex<Conn>();
    const [a, b] = [conn('a'), conn('b')];
    index.addPatterns(a, ['Order*']);
    expect(names(index.recipients('OrderPlaced'))).toEqual(['a']);
    index.addTypes(b, ['OrderPlaced']);
    expect(names(index.recipients('OrderPlaced'))).toEqual(['a', 'b']);
    index.removePatterns(a, ['Order*']);
    expect(names(index.recipients('OrderPlaced'))).toEqual(['b']);
    index.removeTypes(b, ['OrderPlaced']);
    expect(index.recipients('OrderPlaced')).toEqual([]);
    expect(index.countOf(a) + index.countOf(b)).toBe(0);
    expect((index as unknown as { held: Map<Conn, unknown> }).held.size).toBe(0);
  });

  it('a name or prefix held by one, then two, then one connection again routes to exactly its holders', () => {
    const index = new SubscriptionIndex<Conn>();
    const [a, b, c] = [conn('a'), conn('b'), conn('c')];
    index.addPatterns(a, ['Price*']);
    index.addTypes(a, ['PriceUpdate']);
    expect(names(index.recipients('PriceUpdate'))).toEqual(['a']);
    index.addPatterns(b, ['Price*']);
    index.addTypes(c, ['PriceUpdate']);
    expect(names(index.recipients('PriceUpdate'))).toEqual(['a', 'b', 'c']);
    index.removePatterns(a, ['Price*']);
    index.removeTypes(a, ['PriceUpdate']);
    expect(names(index.recipients('PriceUpdate'))).toEqual(['b', 'c']);
    index.removePatterns(a, ['Price*']); // not held by a any more: b keeps it
    index.removeTypes(b, ['PriceUpdate']); // never held by b: c keeps it
    expect(names(index.recipients('PriceUpdate'))).toEqual(['b', 'c']);
    index.removePatterns(b, []);
    index.removePatterns(b, ['Price*']);
    index.removeTypes(c, ['PriceUpdate']);
    expect(index.recipients('PriceUpdate')).toEqual([]);
    index.addPatterns(c, ['Price*']);
    expect(names(index.recipients('PriceUpdate'))).toEqual(['c']);
  });

  it('keeps its route cache bounded', () => {
    const index = new SubscriptionIndex<Conn>(2);
    const a = conn('a');
    index.addPatterns(a, ['*']);
    for (let i = 0; i < 100; i++) expect(index.recipients(`T${i}`)).toEqual([a]);
    expect((index as unknown as { routes: Map<string, unknown> }).routes.size).toBe(2);
  });

  it('reports what was really added or removed, what is held (patterns sorted) and what would be new', () => {
    const index = new SubscriptionIndex<Conn>();
    const a = conn('a');
    expect(index.addPatterns(a, ['B*', 'A*', 'A*'])).toBe(2);
    expect(index.addPatterns(a, ['A*'])).toBe(0);
    expect(index.patternsOf(a)).toEqual(['A*', 'B*']);
    expect(index.newPatternCount(a, ['A*', 'C*', 'C*', 'D*'])).toBe(2);
    expect(index.removePatterns(a, ['C*', 'A*'])).toBe(1);
    index.addTypes(a, ['X']);
    expect([index.typesOf(a), index.patternsOf(a), index.countOf(a)]).toEqual([['X'], ['B*'], 2]);
  });

  it('does not look at non-matching patterns: 100,000 held patterns, one lookup per prefix length', () => {
    const index = new SubscriptionIndex<Conn>();
    for (let i = 0; i < 1000; i++)
      index.addPatterns(
        conn(`s${i}`),
        Array.from({ length: 100 }, (_, j) => `Other${i}_${j}*`),
      );
    const match = conn('match');
    index.addPatterns(match, ['Price*']);
    const lookups = countMapLookups(index);
    expect(index.recipients('PriceUpdate')).toEqual([match]);
    expect(lookups()).toBeLessThanOrEqual('PriceUpdate'.length + 3);
  });
});

/** Counts Map#get calls on the index's own maps (no change of behaviour). */
function countMapLookups(index: object): () => number {
  let count = 0;
  for (const value of Object.values(index)) {
    if (!(value instanceof Map)) continue;
    const get = value.get.bind(value);
    value.get = (key: unknown) => {
      count++;
      return get(key);
    };
  }
  return () => count;
}
