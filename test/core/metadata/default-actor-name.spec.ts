import { defaultActorName } from '../../../lib/core/metadata/actor-metadata';

describe('defaultActorName', () => {
  it.each([
    ['PriceFeedActor', 'price_feed'],
    ['Calculator', 'calculator'],
    ['KvStoreActor', 'kv_store'],
    ['HTTPGatewayActor', 'http_gateway'],
    ['Orders2Actor', 'orders2'],
    ['Actor', 'actor'],
  ])('%s → %s', (className, expected) => {
    expect(defaultActorName(className)).toBe(expected);
  });
});
