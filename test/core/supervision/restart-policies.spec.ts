import 'reflect-metadata';
import { ActonApp, Actor, Message, OnMessage, OnStop, Type } from 'acton-ts';
import { ManualClock } from 'acton-ts/testing';
import { firstValueFrom } from 'rxjs';
import {
  BadStream,
  Boom,
  Bump,
  counterActor,
  Counted,
  eventually,
  journal,
  msg,
  recordEvents,
  Refuse,
  useSupervisedApp,
} from './fixtures/supervised-actors';

@Message('SlowRead')
class SlowRead {}

@Message('FailingRead')
class FailingRead {}

let releaseSlowRead: () => void = () => undefined;

/** Readonly handlers run concurrently: one fails while another is still running. */
@Actor({ name: 'reader', expose: false, supervision: { backoff: { minMs: 0 } } })
class ReaderActor implements OnStop {
  private static instances = 0;
  readonly instance = ++ReaderActor.instances;

  @OnMessage({ readonly: true })
  async slowRead(_message: SlowRead): Promise<string> {
    await new Promise<void>((resolve) => (releaseSlowRead = resolve));
    journal.push(`read done #${this.instance}`);
    return `read by #${this.instance}`;
  }

  @OnMessage({ readonly: true })
  failingRead(_message: FailingRead): void {
    throw new Error('read failed');
  }

  onStop(): void {
    journal.push(`stop #${this.instance}`);
  }
}

describe('supervision policies: what a failure does to the actor', () => {
  const harness = useSupervisedApp();
  const logs = harness.logs;
  const start = (...actors: Type[]): Promise<ActonApp> => harness.start(actors);

  it('without a supervision option the actor resumes: the caller gets the error, the state survives', async () => {
    const app = await start(counterActor('plain'));
    await app.ask('plain', msg(Bump, { n: 5 }));
    await expect(app.ask('plain', msg(Boom, { text: 'bad input' }))).rejects.toThrow('bad input');
    const after = await app.ask<Counted>('plain', msg(Bump));
    expect(after.count).toBe(6);
    expect(journal.filter((line) => line.startsWith('start'))).toHaveLength(1);
  });

  it('permanent: the caller gets its error; a fresh instance (onStop old, onStart new) serves the next message', async () => {
    const app = await start(counterActor('worker', { restart: 'permanent', backoff: { minMs: 0 } }));
    const { events } = recordEvents(app);
    const first = await app.ask<Counted>('worker', msg(Bump, { n: 5 }));
    await expect(app.ask('worker', msg(Boom, { text: 'corrupted state' }))).rejects.toThrow('corrupted state');
    const after = await app.ask<Counted>('worker', msg(Bump));
    expect(after).toEqual({ count: 1, instance: expect.any(Number) });
    expect(after.instance).not.toBe(first.instance);
    expect(journal).toEqual([
      `start worker#${first.instance}`,
      `bump worker#${first.instance} 5`,
      `boom worker#${first.instance}`,
      `stop worker#${first.instance}`,
      `start worker#${after.instance}`,
      `bump worker#${after.instance} 1`,
    ]);
    expect(events).toEqual(['restarted worker #1: corrupted state']);
    expect(app.get(ActonApp).actorRef('worker')).toBe(app.actorRef('worker')); // the name kept its ref
  });

  it('an ActorError is an expected answer, not a failure: no restart', async () => {
    const app = await start(counterActor('strict', { backoff: { minMs: 0 } }));
    await app.ask('strict', msg(Bump, { n: 2 }));
    await expect(app.ask('strict', msg(Refuse))).rejects.toMatchObject({ code: 'NOPE' });
    expect((await app.ask<Counted>('strict', msg(Bump))).count).toBe(3);
  });

  it('a stream that errors is a failure: the stream caller gets the error, then the actor restarts', async () => {
    const app = await start(counterActor('streamy', { backoff: { minMs: 0 } }));
    const { events } = recordEvents(app);
    await app.ask('streamy', msg(Bump, { n: 7 }));
    await expect(firstValueFrom(app.stream('streamy', msg(BadStream)))).rejects.toThrow('stream broke');
    expect((await app.ask<Counted>('streamy', msg(Bump))).count).toBe(1);
    expect(events).toEqual(['restarted streamy #1: stream broke']);
  });

  it('a fire-and-forget message that fails restarts the actor too (and is logged)', async () => {
    const app = await start(counterActor('quiet', { backoff: { minMs: 0 } }));
    const { events } = recordEvents(app);
    await app.ask('quiet', msg(Bump, { n: 3 }));
    app.tell('quiet', msg(Boom, { text: 'nobody listens' }));
    await eventually(() => events.length === 1);
    expect((await app.ask<Counted>('quiet', msg(Bump))).count).toBe(1);
    expect(logs.some((line) => line.startsWith('error') && line.includes('nobody listens'))).toBe(true);
  });

  it('temporary: the actor stops after a failure; its name is freed (ACTOR_NOT_FOUND) and ActorStopped is broadcast', async () => {
    const app = await start(counterActor('once', { restart: 'temporary' }));
    const { events } = recordEvents(app);
    const first = await app.ask<Counted>('once', msg(Bump));
    await expect(app.ask('once', msg(Boom, { text: 'gone' }))).rejects.toThrow('gone');
    await eventually(() => events.length === 1);
    expect(events).toEqual(['stopped once: failed: gone']);
    expect(journal).toContain(`stop once#${first.instance}`);
    expect(app.actorRef('once')).toBeUndefined();
    await expect(app.ask('once', msg(Bump))).rejects.toMatchObject({ code: 'ACTOR_NOT_FOUND' });
  });

  it('an onStart that fails during a restart is another failure: restarted again until it succeeds', async () => {
    let failNextStarts = 2;
    const Flaky = counterActor('flaky', { backoff: { minMs: 0 } });
    const originalStart = Flaky.prototype.onStart;
    Flaky.prototype.onStart = async function (this: { instance: number }) {
      if (journal.some((line) => line.startsWith('boom')) && failNextStarts-- > 0)
        throw new Error(`cannot warm up (${failNextStarts})`);
      return originalStart.call(this);
    };
    const app = await start(Flaky);
    const { events } = recordEvents(app);
    await expect(app.ask('flaky', msg(Boom))).rejects.toThrow('boom');
    expect((await app.ask<Counted>('flaky', msg(Bump))).count).toBe(1);
    expect(events).toEqual(["restarted flaky #3: onStart of actor 'flaky' (Counter_flaky) failed: cannot warm up (0)"]);
  });

  it('restart backoff waits on the app clock: nothing is handled before minMs, the queued call after it', async () => {
    const clock = new ManualClock();
    const app = await harness.start([counterActor('slow', { backoff: { minMs: 1_000, maxMs: 1_000 } })], { clock });
    await expect(app.ask('slow', msg(Boom))).rejects.toThrow('boom');
    let answered: Counted | undefined;
    void app.ask<Counted>('slow', msg(Bump)).then((reply) => (answered = reply));
    await clock.advance(999);
    expect(answered).toBeUndefined();
    await clock.advance(1);
    await eventually(() => answered !== undefined);
    expect(answered!.count).toBe(1);
  });

  it('a restart waits for the handlers still running on the old instance before its onStop', async () => {
    const app = await start(ReaderActor);
    const idle = releaseSlowRead;
    const slow = app.ask<string>('reader', msg(SlowRead));
    await eventually(() => releaseSlowRead !== idle); // the slow read is running
    await expect(app.ask('reader', msg(FailingRead))).rejects.toThrow('read failed');
    const next = app.ask<string>('reader', msg(SlowRead)); // queued behind the restart
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(journal).toEqual([]); // the old instance is still reading: no onStop yet
    const oldRelease = releaseSlowRead;
    oldRelease();
    expect(await slow).toMatch(/^read by #\d+$/);
    await eventually(() => releaseSlowRead !== oldRelease);
    releaseSlowRead();
    const [oldOne, newOne] = [await slow, await next];
    expect(newOne).not.toBe(oldOne);
    expect(journal.map((line) => line.replace(/#\d+/, '#n'))).toEqual(['read done #n', 'stop #n', 'read done #n']);
  });

  it('rejects invalid supervision options at decoration, naming the class and key', () => {
    expect(() => counterActor('bad', { restart: 'sometimes' as never })).toThrow(
      '@Actor on Counter_bad: supervision.restart must be one of permanent, transient, temporary (got "sometimes")',
    );
    expect(() => counterActor('bad2', { backoff: { minMs: 500, maxMs: 100 } })).toThrow(
      'supervision.backoff.maxMs must be >= backoff.minMs (500) (got 100)',
    );
    expect(() => counterActor('bad3', { backoff: { jitter: 2 } })).toThrow(
      'supervision.backoff.jitter must be a number from 0 to 1 (got 2)',
    );
  });
});
