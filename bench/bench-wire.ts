/**
 * The names both bench servers answer to, so that one load client drives either. The acton-ts
 * server gets them from the sample's actors (and `BenchBroadcasterActor`); the baseline
 * server hard-codes them.
 */
export const BenchWire = {
  /** Request-response: `AddRequest {a, b}` → `AddResult {sum}` (sample/calculator). */
  CALCULATOR: 'calculator',
  ADD_REQUEST: 'AddRequest',
  /** Request-stream: `ListRequest {page_size}` → one `ListItem {id, name}` per item (sample/list-service). */
  LIST_SERVICE: 'list_service',
  LIST_REQUEST: 'ListRequest',
  /** W4 trigger: `BroadcastPrices {count, batch}` → `{sent}` after broadcasting `count` `PriceUpdate`s. */
  BROADCASTER: 'bench',
  BROADCAST_PRICES: 'BroadcastPrices',
  /** What W4's subscribers subscribe to (sample/price-feed). */
  PRICE_UPDATE: 'PriceUpdate',
} as const;

/** Symbol carried by the bench's own `PriceUpdate`s. */
export const BENCH_SYMBOL = 'BENCH';

/**
 * Broadcasts issued per event-loop turn by either server's W4 trigger before it yields
 * (`setImmediate`), so that queued pushes reach the sockets between batches.
 */
export const BROADCAST_BATCH = 50;

/**
 * `limits.push_buffer_size` of the acton-ts bench server (docs/protocol.md §5.4; default 100).
 * The broker never waits for subscribers, so at full speed the pushes outrun one client
 * process reading ten sockets for a moment; a buffer larger than a whole W4 run lets a
 * subscriber that keeps up on average lose nothing (the baseline buffers without bound).
 */
export const BENCH_PUSH_BUFFER_SIZE = 32_768;
