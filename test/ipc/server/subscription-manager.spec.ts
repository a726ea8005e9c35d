import { Logger } from '../../../lib/core/runtime/logger';
import { FrameDecoder } from '../../../lib/ipc/protocol/frame-decoder';
import { MessageType } from '../../../lib/ipc/protocol/wire-types';
import { PushTarget, SubscriptionManager } from '../../../lib/ipc/server/subscription-manager';

/** A connection's push side as the manager sees it: takes frames until its buffer is "full". */
class BufferedTarget implements PushTarget {
  readonly frames: Buffer[] = [];
  constructor(private readonly capacity = Infinity) {}

  offerPush(frame: Buffer): boolean {
    if (this.frames.length >= this.capacity) return false;
    this.frames.push(frame);
    return true;
  }

  /** The push bodies received, decoded as a client would. */
  bodies(): any[] {
    return this.frames.map((frame) => {
      const [decoded] = new FrameDecoder().push(frame).frames;
      expect(decoded.type).toBe(MessageType.PUSH);
      return JSON.parse(decoded.payload.toString('utf8'));
    });
  }
}

function quietLogger(lines: string[] = []): Logger {
  const record = (message: string): void => void lines.push(message);
  return { debug: record, info: record, warn: record, error: record };
}

const price = (symbol: string, value: number) => ({ wireName: 'PriceUpdate', message: { symbol, price: value } });

describe('SubscriptionManager: subscription sets and push fan-out (docs/protocol.md §2.5, §2.6, §5.4)', () => {
  it('subscribes idempotently, returns the whole set, and unsubscribes by name or all at once', () => {
    const manager = new SubscriptionManager(quietLogger());
    const target = new BufferedTarget();
    expect(manager.subscribe(target, ['PriceUpdate', 'TradeExecuted'])).toEqual(['PriceUpdate', 'TradeExecuted']);
    expect(manager.subscribe(target, ['PriceUpdate', 'NotRegistered'])).toEqual([
      'PriceUpdate',
      'TradeExecuted',
      'NotRegistered',
    ]);
    expect(manager.subscriptionCount(target)).toBe(3);
    expect(manager.unsubscribe(target, ['TradeExecuted', 'NeverSubscribed'])).toEqual(['PriceUpdate', 'NotRegistered']);
    expect(manager.unsubscribe(target, [])).toEqual([]); // §2.5: an empty list removes all
    expect(manager.subscriptionCount(target)).toBe(0);
    expect(manager.counts()).toEqual({
      subscriptionsProcessed: 4,
      activeSubscriptions: 0,
      activePatternSubscriptions: 0,
      pushNotificationsSent: 0,
      pushNotificationsDropped: 0,
    });
  });

  it('builds one notification per broadcast and offers the same frame to every subscriber of its type', () => {
    const manager = new SubscriptionManager(quietLogger());
    const [a, b, other] = [new BufferedTarget(), new BufferedTarget(), new BufferedTarget()];
    manager.subscribe(a, ['PriceUpdate']);
    manager.subscribe(b, ['PriceUpdate', 'TradeExecuted']);
    manager.subscribe(other, ['TradeExecuted']);

    manager.onBroadcast({ ...price('ACME', 12.5), sourceActor: 'ticker' });

    expect(a.frames).toHaveLength(1);
    expect(b.frames[0]).toBe(a.frames[0]); // the very same Buffer: encoded once
    expect(other.frames).toHaveLength(0);
    const [body] = a.bodies();
    expect(body).toMatchObject({
      message_type: 'PriceUpdate',
      source_actor: 'ticker',
      payload: { symbol: 'ACME', price: 12.5 },
    });
    expect(body.notification_id).toMatch(/^push_/);
    expect(typeof body.timestamp_ms).toBe('number');
    expect(manager.counts()).toMatchObject({ activeSubscriptions: 4, pushNotificationsSent: 2 });
  });

  it('drops a push for a target whose buffer is full, without affecting the others', () => {
    const manager = new SubscriptionManager(quietLogger());
    const full = new BufferedTarget(1);
    const roomy = new BufferedTarget();
    manager.subscribe(full, ['PriceUpdate']);
    manager.subscribe(roomy, ['PriceUpdate']);
    for (let i = 0; i < 3; i++) manager.onBroadcast(price('ACME', i));
    expect(full.frames).toHaveLength(1);
    expect(roomy.bodies().map((body) => body.payload.price)).toEqual([0, 1, 2]);
    expect(manager.counts()).toMatchObject({ pushNotificationsSent: 4, pushNotificationsDropped: 2 });
  });

  it('forgets every subscription of a disconnected target', () => {
    const manager = new SubscriptionManager(quietLogger());
    const gone = new BufferedTarget();
    const stays = new BufferedTarget();
    manager.subscribe(gone, ['PriceUpdate', 'TradeExecuted']);
    manager.subscribe(stays, ['PriceUpdate']);
    manager.removeTarget(gone);
    manager.onBroadcast(price('ACME', 1));
    expect(gone.frames).toHaveLength(0);
    expect(stays.frames).toHaveLength(1);
    expect(manager.subscriptionCount(gone)).toBe(0);
    expect(manager.counts().activeSubscriptions).toBe(1);
  });

  it('counts an unencodable broadcast as dropped for each subscriber and logs what to do', () => {
    const logs: string[] = [];
    const manager = new SubscriptionManager(quietLogger(logs));
    const [a, b] = [new BufferedTarget(), new BufferedTarget()];
    manager.subscribe(a, ['PriceUpdate']);
    manager.subscribe(b, ['PriceUpdate']);
    manager.onBroadcast({ wireName: 'PriceUpdate', message: { symbol: 'ACME', price: 10n } });
    expect(a.frames).toHaveLength(0);
    expect(manager.counts().pushNotificationsDropped).toBe(2);
    expect(logs.join('\n')).toMatch(
      /could not be pushed to 2 IPC subscriber\(s\).*make the message a plain data object/,
    );
  });

  it('ignores broadcasts nobody subscribed to', () => {
    const manager = new SubscriptionManager(quietLogger());
    const target = new BufferedTarget();
    manager.subscribe(target, ['TradeExecuted']);
    manager.onBroadcast(price('ACME', 1));
    expect(target.frames).toHaveLength(0);
    expect(manager.counts()).toMatchObject({ pushNotificationsSent: 0, pushNotificationsDropped: 0 });
  });
});
