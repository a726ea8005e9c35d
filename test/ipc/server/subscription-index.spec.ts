import { SubscriptionIndex, Subscriber } from '../../../lib/ipc/server/subscription-index';

function subscriber(name: string): Subscriber & { name: string } {
  return { name, subscribedTypes: new Set(), subscribedPatterns: new Set() };
}

const names = (targets: readonly { name: string }[]): string[] => targets.map((t) => t.name).sort();

describe('SubscriptionIndex: who gets a push for a wire name', () => {
  it('routes exact and pattern subscribers, each once however many subscriptions match', () => {
    const index = new SubscriptionIndex<ReturnType<typeof subscriber>>();
    const a = subscriber('a');
    const b = subscriber('b');
    const c = subscriber('c');
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
    const index = new SubscriptionIndex<ReturnType<typeof subscriber>>();
    const a = subscriber('a');
    index.addPatterns(a, ['a.b?*']);
    expect(index.recipients('a.b?c')).toEqual([a]);
    expect(index.recipients('axbxc')).toEqual([]);
    expect(index.recipients('A.b?c')).toEqual([]);
  });

  it('forgets the cached route when subscriptions change', () => {
    const index = new SubscriptionIndex<ReturnType<typeof subscriber>>();
    const a = subscriber('a');
    const b = subscriber('b');
    index.addPatterns(a, ['Order*']);
    expect(names(index.recipients('OrderPlaced'))).toEqual(['a']);
    index.addTypes(b, ['OrderPlaced']);
    expect(names(index.recipients('OrderPlaced'))).toEqual(['a', 'b']);
    index.removePatterns(a, ['Order*']);
    expect(names(index.recipients('OrderPlaced'))).toEqual(['b']);
    index.removeTypes(b, ['OrderPlaced']);
    expect(index.recipients('OrderPlaced')).toEqual([]);
    expect(a.subscribedPatterns.size + b.subscribedTypes.size).toBe(0);
  });

  it('keeps its route cache bounded', () => {
    const index = new SubscriptionIndex<ReturnType<typeof subscriber>>(2);
    const a = subscriber('a');
    index.addPatterns(a, ['*']);
    for (let i = 0; i < 100; i++) expect(index.recipients(`T${i}`)).toEqual([a]);
    expect((index as unknown as { routes: Map<string, unknown> }).routes.size).toBe(2);
  });

  it('reports how many subscriptions were really added or removed (idempotent)', () => {
    const index = new SubscriptionIndex<ReturnType<typeof subscriber>>();
    const a = subscriber('a');
    expect(index.addPatterns(a, ['A*', 'A*', 'B*'])).toBe(2);
    expect(index.addPatterns(a, ['A*'])).toBe(0);
    expect(index.removePatterns(a, ['C*', 'A*'])).toBe(1);
    expect([...a.subscribedPatterns]).toEqual(['B*']);
  });

  it('does not look at non-matching patterns: 100,000 held patterns, one lookup per prefix length', () => {
    const index = new SubscriptionIndex<ReturnType<typeof subscriber>>();
    const holders = Array.from({ length: 1000 }, (_, i) => subscriber(`s${i}`));
    holders.forEach((s, i) => index.addPatterns(s, Array.from({ length: 100 }, (_, j) => `Other${i}_${j}*`)));
    const match = subscriber('match');
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
