import 'reflect-metadata';
import { ActonApp } from 'acton-ts';
import { ManualClock } from 'acton-ts/testing';
import {
  Boom,
  Bump,
  counterActor,
  Counted,
  eventually,
  journal,
  msg,
  useSupervisedApp,
} from './fixtures/supervised-actors';

describe('messages queued across a restart', () => {
  const harness = useSupervisedApp();
  const start = (clock?: ManualClock): Promise<ActonApp> =>
    harness.start([counterActor('orders/fulfilment', { backoff: { minMs: 500, maxMs: 500 } })], clock && { clock });

  it('messages queued behind the failing one stay queued, in order, and reach the new instance after the backoff', async () => {
    const clock = new ManualClock();
    const app = await start(clock);
    journal.length = 0;
    const failing = app.ask('orders/fulfilment', msg(Boom));
    const queued = [1, 2, 3, 4, 5].map((n) => app.ask<Counted>('orders/fulfilment', msg(Bump, { n })));
    await expect(failing).rejects.toThrow('boom');
    await eventually(() => journal.some((line) => line.startsWith('stop'))); // the old instance is gone: in the backoff
    expect(journal.filter((line) => line.startsWith('bump'))).toEqual([]);
    const later = app.ask<Counted>('orders/fulfilment', msg(Bump, { n: 100 })); // sent during the restart
    await clock.advance(500);
    const replies = await Promise.all([...queued, later]);
    expect(replies.map((reply) => reply.count)).toEqual([1, 3, 6, 10, 15, 115]);
    expect(new Set(replies.map((reply) => reply.instance)).size).toBe(1);
    expect(journal.filter((line) => line.startsWith('bump')).map((line) => line.split(' ')[2])).toEqual([
      '1',
      '3',
      '6',
      '10',
      '15',
      '115',
    ]);
  });

  it('a call waiting in the mailbox during a restart is bounded by its deadline (TIMEOUT), never a hang', async () => {
    const clock = new ManualClock();
    const app = await start(clock);
    await expect(app.ask('orders/fulfilment', msg(Boom))).rejects.toThrow('boom');
    const waiting = expect(app.ask('orders/fulfilment', msg(Bump), { timeoutMs: 50 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    await clock.advance(50); // the deadline passes on the app's clock, long before the backoff ends
    await waiting;
  });

  it('the name follows its actor: app.ask by name, by ref and by class keep working through restarts', async () => {
    const app = await start();
    const ref = app.actorRef('orders/fulfilment')!;
    for (let round = 0; round < 3; round++) {
      await expect(app.ask('orders/fulfilment', msg(Boom))).rejects.toThrow('boom');
      expect((await app.ask<Counted>(ref, msg(Bump, { n: 2 }))).count).toBe(2);
      expect((await app.ask<Counted>(ref.actorClass as never, msg(Bump))).count).toBe(3);
    }
    expect(app.actorRef('orders/fulfilment')).toBe(ref);
  });
});
