import { Actor, Broker, OnMessage, OnStart, Timers } from 'acton-ts';
import { PriceTick, PriceUpdate, TradeExecuted } from './price-feed.messages';

const SYMBOLS = ['ACME', 'GLOBEX', 'INITECH'];
/** One tick in this many also executes a trade. */
const TRADE_EVERY_N_TICKS = 5;

/** Tick period: `PRICE_INTERVAL_MS` (default 1000 ms). */
function intervalFromEnv(): number {
  const configured = Number(process.env.PRICE_INTERVAL_MS ?? 1000);
  return Number.isFinite(configured) && configured > 0 ? configured : 1000;
}

/**
 * Push notifications: broadcasts `PriceUpdate` (and sometimes `TradeExecuted`) through the
 * `Broker`. In-process `subscribe: true` handlers and every IPC connection subscribed to the
 * type receive them; the pushes carry `source_actor: "price_feed"`.
 *
 * The actor's own `Timers` send it a `PriceTick` every interval (fixed rate; ticks missed while
 * the process was busy are merged, never sent in a burst). They stop with the actor, so there is
 * no `onStop` to write; if a tick ever failed, supervision would restart the feed with fresh
 * prices and a new timer.
 */
@Actor({ name: 'price_feed', supervision: { restart: 'permanent' } })
export class PriceFeedActor implements OnStart {
  private readonly prices = new Map(SYMBOLS.map((symbol, i) => [symbol, 100 + i * 50]));
  private ticks = 0;

  constructor(
    private readonly broker: Broker,
    private readonly timers: Timers,
  ) {}

  onStart(): void {
    this.timers.sendEvery('price_feed', new PriceTick(), intervalFromEnv(), { mode: 'fixed-rate' });
  }

  /** In-process only (no `ipc: true`): the timer's message. */
  @OnMessage()
  tick(_tick: PriceTick): void {
    this.ticks++;
    for (const [symbol, price] of this.prices) {
      const next = Math.max(1, Math.round((price + (Math.random() - 0.5) * 2) * 100) / 100);
      this.prices.set(symbol, next);
      this.broker.broadcast(Object.assign(new PriceUpdate(), { symbol, price: next }));
    }
    if (this.ticks % TRADE_EVERY_N_TICKS === 0) {
      const symbol = SYMBOLS[this.ticks % SYMBOLS.length];
      const quantity = 1 + Math.floor(Math.random() * 100);
      this.broker.broadcast(Object.assign(new TradeExecuted(), { symbol, quantity, price: this.prices.get(symbol) }));
    }
  }
}
