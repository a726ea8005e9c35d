import 'reflect-metadata';
import { ActonApp, DEFAULT_SUPERVISION, restartDelay, SupervisionOptions } from 'acton-ts';
import { ManualClock } from 'acton-ts/testing';
import { RestartHistory } from '../../../lib/core/runtime/restart-backoff';
import { resolveSupervision } from '../../../lib/core/metadata/supervision-options';
import {
  Boom,
  Bump,
  counterActor,
  Counted,
  eventually,
  msg,
  recordEvents,
  useSupervisedApp,
} from './fixtures/supervised-actors';

const BACKOFF = { minMs: 100, maxMs: 30_000, jitter: 0 };

describe('restart backoff (pure)', () => {
  it("follows acton-reactive's defaults: 5 restarts in 60 s, 100 ms doubling to 30 s", () => {
    expect(DEFAULT_SUPERVISION).toMatchObject({
      maxRestarts: 5,
      withinMs: 60_000,
      backoff: BACKOFF,
      restart: 'permanent',
      strategy: 'one-for-one',
    });
    expect([1, 2, 3, 4, 5, 9, 10, 30].map((attempt) => restartDelay(attempt, BACKOFF))).toEqual([
      100, 200, 400, 800, 1600, 25_600, 30_000, 30_000,
    ]);
  });

  it('jitter adds up to jitter × delay, never beyond maxMs', () => {
    const jittered = { ...BACKOFF, jitter: 0.25 };
    expect(restartDelay(1, jittered, () => 0)).toBe(100);
    expect(restartDelay(1, jittered, () => 0.999_999)).toBeCloseTo(125, 3);
    expect(restartDelay(3, jittered, () => 0.5)).toBe(450);
    expect(restartDelay(10, jittered, () => 0.999_999)).toBe(30_000);
    for (let i = 0; i < 1_000; i++) {
      const delay = restartDelay(2, jittered);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(250);
    }
  });

  it('the limit counts restarts in a sliding window; the backoff resets after a stable period', () => {
    const history = new RestartHistory(resolveSupervision('T', { maxRestarts: 3, withinMs: 1_000, resetAfterMs: 500 }));
    expect(history.onFailure(0)).toEqual({ restart: true, attempt: 1, delayMs: 100 });
    expect(history.onFailure(100)).toEqual({ restart: true, attempt: 2, delayMs: 200 });
    expect(history.onFailure(400)).toEqual({ restart: true, attempt: 3, delayMs: 400 });
    expect(history.onFailure(800)).toEqual({ restart: false }); // 4th failure within 1000 ms
    // 1100 ms: the failures at 0 and 100 left the window; 300 ms since the last failure: no reset
    expect(history.onFailure(1_100)).toEqual({ restart: true, attempt: 4, delayMs: 800 });
    // 600 ms without a failure (>= resetAfterMs): back to the first delay
    expect(history.onFailure(1_700)).toEqual({ restart: true, attempt: 1, delayMs: 100 });
  });
});

describe('restart limit and backoff, driven by the manual clock', () => {
  const harness = useSupervisedApp();
  let clock: ManualClock;

  async function start(supervision: SupervisionOptions): Promise<{ app: ActonApp; events: string[] }> {
    clock = new ManualClock();
    const app = await harness.start([counterActor('svc', supervision)], { clock });
    return { app, events: recordEvents(app).events };
  }

  /** Makes `svc` fail and waits until its restart is waiting for the backoff timer. */
  async function fail(app: ActonApp, text = 'boom'): Promise<void> {
    await expect(app.ask('svc', msg(Boom, { text }))).rejects.toThrow(text);
    await eventually(() => clock.pending === 1);
  }

  it('backoff doubles per consecutive restart; queued calls wait for it, then reach the new instance', async () => {
    const { app, events } = await start({ maxRestarts: 5, withinMs: 60_000, backoff: { minMs: 100, maxMs: 300 } });
    for (const [attempt, delay] of [
      [1, 100],
      [2, 200],
      [3, 300],
      [4, 300],
    ]) {
      await fail(app);
      let reply: Counted | undefined;
      void app.ask<Counted>('svc', msg(Bump)).then((r) => (reply = r));
      await clock.advance(delay - 1);
      expect(reply).toBeUndefined();
      expect(events).toHaveLength(attempt - 1);
      await clock.advance(1);
      await eventually(() => reply !== undefined);
      expect(reply!.count).toBe(1);
      expect(events[attempt - 1]).toBe(`restarted svc #${attempt}: boom`);
    }
  });

  it('past maxRestarts within withinMs the actor stops: RestartLimitExceeded, later calls ACTOR_NOT_FOUND', async () => {
    const { app, events } = await start({ maxRestarts: 2, withinMs: 10_000, backoff: { minMs: 100 } });
    await fail(app);
    await clock.advance(100);
    await fail(app);
    await clock.advance(200);
    await expect(app.ask('svc', msg(Boom))).rejects.toThrow('boom');
    await eventually(() => events.length === 4);
    expect(events).toEqual([
      'restarted svc #1: boom',
      'restarted svc #2: boom',
      'limit svc',
      'stopped svc: restart limit exceeded',
    ]);
    await expect(app.ask('svc', msg(Bump))).rejects.toMatchObject({ code: 'ACTOR_NOT_FOUND' });
  });

  it('failures spread wider than withinMs never reach the limit, and the backoff resets after resetAfterMs', async () => {
    const { app, events } = await start({
      maxRestarts: 2,
      withinMs: 10_000,
      resetAfterMs: 5_000,
      backoff: { minMs: 100 },
    });
    for (let i = 0; i < 4; i++) {
      await fail(app);
      await clock.advance(100); // every restart is the first after a stable period: 100 ms again
      await eventually(() => events.length === i + 1);
      await clock.advance(10_000);
    }
    expect(events).toEqual([
      'restarted svc #1: boom',
      'restarted svc #1: boom',
      'restarted svc #1: boom',
      'restarted svc #1: boom',
    ]);
    expect((await app.ask<Counted>('svc', msg(Bump))).count).toBe(1);
  });

  it('with jitter the restart comes within [delay, delay × (1 + jitter)]', async () => {
    const { app, events } = await start({ backoff: { minMs: 1_000, maxMs: 10_000, jitter: 0.5 } });
    await fail(app);
    await clock.advance(999);
    expect(events).toEqual([]);
    await clock.advance(501);
    await eventually(() => events.length === 1);
  });

  it('closing during a backoff ends the queued calls with SHUTTING_DOWN at once', async () => {
    const { app } = await start({ backoff: { minMs: 60_000, maxMs: 60_000 } });
    await fail(app);
    const queued = app.ask('svc', msg(Bump));
    await app.close();
    await expect(queued).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});
