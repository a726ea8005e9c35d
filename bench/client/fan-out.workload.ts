import { BENCH_SYMBOL, BenchWire, BROADCAST_BATCH } from '../bench-wire';
import { Caller } from './caller';
import { nowNs } from './latency-recorder';
import { Outcome, WorkloadOutcome } from './outcome';

/** Parameters of W4 (and W5, with `noisePatterns`). */
export interface FanOutParams {
  readonly subscribers: number;
  readonly broadcasts: number;
  readonly warmupBroadcasts: number;
  /**
   * W5 (acton-ts only, docs/protocol.md §11.1): each subscriber holds this many patterns that
   * never match plus `PriceUpdate*` instead of the exact subscription. Absent: exact (W4).
   */
  readonly noisePatterns?: number;
}

/** Figures of W4. */
export interface FanOutResult extends WorkloadOutcome {
  readonly subscribers: number;
  readonly broadcasts: number;
  /** W5: non-matching patterns per subscriber (absent for exact subscriptions). */
  readonly noisePatterns?: number;
  /** Mean over subscribers of (pushes received / time from the trigger to its last push). */
  readonly eventsPerSecondPerSubscriber: number;
  /** All pushes received / time from the trigger to the very last push. */
  readonly eventsPerSecondTotal: number;
  /** broadcasts × subscribers − pushes received. */
  readonly lost: number;
}

/** With the broadcaster done, a subscriber that got nothing new for this long is considered complete, ms. */
const QUIET_MS = 2_000;

/**
 * W4: `subscribers` connections subscribe to `PriceUpdate`; another connection asks the server
 * to broadcast `broadcasts` of them as fast as it can; every subscriber counts what it receives.
 * W5: the same with `noisePatterns` non-matching patterns plus one matching pattern each.
 */
export async function runFanOut(
  socketPath: string,
  params: FanOutParams,
  progress: (text: string) => void,
): Promise<FanOutResult> {
  const subscribers = await openInBatches(socketPath, params.subscribers);
  const trigger = await Caller.open(socketPath, 't');
  try {
    const outcome = new Outcome();
    for (const [i, subscriber] of subscribers.entries()) {
      if (params.noisePatterns === undefined) {
        const types = await subscriber.subscribe([BenchWire.PRICE_UPDATE]);
        if (!types.includes(BenchWire.PRICE_UPDATE)) outcome.fail(`subscribe answered ${JSON.stringify(types)}`);
      } else {
        // Distinct non-matching prefixes per subscriber, so the server holds subscribers × noisePatterns of them.
        const noise = Array.from({ length: params.noisePatterns }, (_, j) => `Noise${i}_${j}*`);
        const held = await subscriber.subscribePatterns([...noise, `${BenchWire.PRICE_UPDATE}*`]);
        if (held.length !== params.noisePatterns + 1)
          outcome.fail(`pattern subscribe answered ${held.length} patterns`);
      }
      subscriber.onPush = checkFirstPush(outcome);
    }
    if (params.warmupBroadcasts > 0)
      await broadcastAndCount(subscribers, trigger, params.warmupBroadcasts, outcome, () => {});
    const run = await broadcastAndCount(subscribers, trigger, params.broadcasts, outcome, progress);
    const perSubscriber = run.lastPushAt.map((at, i) => (run.received[i] / (at - run.sentAt)) * 1e9);
    const total = run.received.reduce((sum, n) => sum + n, 0);
    return {
      subscribers: params.subscribers,
      broadcasts: params.broadcasts,
      ...(params.noisePatterns === undefined ? undefined : { noisePatterns: params.noisePatterns }),
      eventsPerSecondPerSubscriber: perSubscriber.reduce((sum, rate) => sum + rate, 0) / perSubscriber.length,
      eventsPerSecondTotal: (total / (Math.max(...run.lastPushAt) - run.sentAt)) * 1e9,
      lost: params.broadcasts * params.subscribers - total,
      ...outcome.report(trigger, ...subscribers),
      operations: subscribers.reduce((sum, s) => sum + s.pushes, 0),
    };
  } finally {
    await Promise.all([trigger, ...subscribers].map((caller) => caller.close()));
  }
}

interface BroadcastRun {
  readonly sentAt: number;
  readonly received: number[];
  readonly lastPushAt: number[];
}

/** Triggers `count` broadcasts and waits until every subscriber has them all (or went quiet). */
async function broadcastAndCount(
  subscribers: readonly Caller[],
  trigger: Caller,
  count: number,
  outcome: Outcome,
  progress: (text: string) => void,
): Promise<BroadcastRun> {
  const startCounts = subscribers.map((s) => s.pushes);
  const sentAt = nowNs();
  let replied = false;
  trigger.request(
    BenchWire.BROADCASTER,
    BenchWire.BROADCAST_PRICES,
    `{"count":${count},"batch":${BROADCAST_BATCH}}`,
    'reply',
    (answer) => {
      replied = true;
      const body = answer.body();
      const sent = (body.payload as { sent?: unknown } | undefined)?.sent;
      if (body.success !== true || sent !== count)
        outcome.fail(`BroadcastPrices answered ${JSON.stringify(body).slice(0, 300)}`);
      return false;
    },
  );
  const received = (): number[] => subscribers.map((s, i) => s.pushes - startCounts[i]);
  let lastTotal = -1;
  let quietSince = Date.now();
  for (;;) {
    const counts = received();
    const total = counts.reduce((sum, n) => sum + n, 0);
    if (replied && counts.every((n) => n >= count)) break;
    if (total !== lastTotal) {
      lastTotal = total;
      quietSince = Date.now();
      progress(`${total}/${count * subscribers.length} pushes`);
    } else if (Date.now() - quietSince > QUIET_MS && replied) break;
    else if (Date.now() - quietSince > 60_000)
      throw new Error(`no push and no BroadcastPrices answer for 60 s (${total} pushes so far)`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { sentAt, received: received(), lastPushAt: subscribers.map((s) => s.lastPushAt) };
}

/** Decodes one subscriber's first push and checks its shape (docs/protocol.md §2.6); the rest are only counted. */
function checkFirstPush(outcome: Outcome): (frame: { payload: Buffer }) => void {
  let checked = false;
  return (frame) => {
    if (checked) return;
    checked = true;
    const push = JSON.parse(frame.payload.toString('utf8'));
    const ok =
      push.message_type === BenchWire.PRICE_UPDATE &&
      push.payload?.symbol === BENCH_SYMBOL &&
      typeof push.notification_id === 'string' &&
      Number.isInteger(push.timestamp_ms);
    if (!ok) outcome.fail(`unexpected push ${JSON.stringify(push).slice(0, 300)}`);
  };
}

/** Connections opened at once: a Unix socket's listen backlog refuses (EAGAIN) a burst of 1,000 connects. */
const CONNECT_BATCH = 64;

async function openInBatches(socketPath: string, count: number): Promise<Caller[]> {
  const callers: Caller[] = [];
  while (callers.length < count) {
    const batch = Math.min(CONNECT_BATCH, count - callers.length);
    callers.push(
      ...(await Promise.all(
        Array.from({ length: batch }, (_, i) => Caller.open(socketPath, `p${callers.length + i}_`)),
      )),
    );
  }
  return callers;
}
