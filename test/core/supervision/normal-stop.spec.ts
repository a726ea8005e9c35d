import 'reflect-metadata';
import { ActonApp, Actor, Message, MessageContext, OnMessage, SupervisionOptions, Type } from 'acton-ts';
import {
  Boom,
  Bump,
  counterActor,
  Counted,
  eventually,
  journal,
  msg,
  Quit,
  recordEvents,
  useSupervisedApp,
} from './fixtures/supervised-actors';

@Message('QuitBadly')
class QuitBadly {}

/** Stops itself twice, then throws: a transient actor whose normal stop came first. */
@Actor({ name: 'quitter', expose: false, supervision: { restart: 'transient', backoff: { minMs: 0 } } })
class QuitterActor {
  @OnMessage()
  quitBadly(_message: QuitBadly, ctx: MessageContext): void {
    ctx.stop('first');
    ctx.stop('second');
    throw new Error('thrown after stopping');
  }
}

type Policy = SupervisionOptions['restart'] | 'none';

/** The actor's supervision option for `policy` (`none`: no option at all), restarts without backoff. */
function optionFor(policy: Policy): SupervisionOptions | undefined {
  return policy === 'none' ? undefined : { restart: policy, backoff: { minMs: 0 } };
}

/**
 * acton-reactive's `RestartPolicy::should_restart` (OTP's child restart types): permanent is
 * always restarted; transient only after an abnormal end (a failure), not after a normal stop;
 * temporary never.
 */
describe('restart policies: a failure versus a normal stop (ctx.stop())', () => {
  const harness = useSupervisedApp();

  /** Starts `svc` under `policy` and bumps it to 2, returning the app and the first instance. */
  async function started(policy: Policy): Promise<{ app: ActonApp; events: string[]; first: Counted }> {
    const app = await harness.start([counterActor('svc', optionFor(policy))]);
    const { events } = recordEvents(app);
    const first = await app.ask<Counted>('svc', msg(Bump, { n: 2 }));
    return { app, events, first };
  }

  describe.each<[Policy, 'restarts' | 'stops']>([
    ['permanent', 'restarts'],
    ['transient', 'stops'],
    ['temporary', 'stops'],
    ['none', 'stops'],
  ])('%s, after ctx.stop()', (policy, outcome) => {
    if (outcome === 'restarts') {
      it('restarts: the stopping handler answers, the queued message goes to a fresh instance', async () => {
        const { app, events, first } = await started(policy);
        const quitting = app.ask('svc', msg(Quit, { reason: 'done' }));
        const queued = app.ask<Counted>('svc', msg(Bump));
        expect(await quitting).toBe('bye');
        const after = await queued;
        expect(after.count).toBe(1);
        expect(after.instance).not.toBe(first.instance);
        expect(events).toEqual(['restarted svc #1: normal: done']);
        expect(journal).toEqual([
          `start svc#${first.instance}`,
          `bump svc#${first.instance} 2`,
          `quit svc#${first.instance}`,
          `stop svc#${first.instance}`,
          `start svc#${after.instance}`,
          `bump svc#${after.instance} 1`,
        ]);
        expect(app.actorRef('svc')).toBeDefined();
      });
    } else {
      it('stops for good: the stopping handler answers, queued messages fail, the name is freed', async () => {
        const { app, events, first } = await started(policy);
        const quitting = app.ask('svc', msg(Quit, { reason: 'done' }));
        const queued = app.ask<Counted>('svc', msg(Bump));
        expect(await quitting).toBe('bye');
        await expect(queued).rejects.toMatchObject({
          code: 'IO_ERROR',
          message: 'I/O error: Recipient channel is closed',
        });
        await eventually(() => events.length === 1);
        expect(events).toEqual(['stopped svc: stopped itself (normal: done)']);
        expect(journal).toEqual([
          `start svc#${first.instance}`,
          `bump svc#${first.instance} 2`,
          `quit svc#${first.instance}`,
          `stop svc#${first.instance}`,
        ]);
        expect(app.actorRef('svc')).toBeUndefined();
        await expect(app.ask('svc', msg(Bump))).rejects.toMatchObject({ code: 'ACTOR_NOT_FOUND' });
        expect(harness.logs).toContain("info Actor 'svc' (Counter_svc) stopped: stopped itself (normal: done)");
      });
    }
  });

  describe.each<[Policy, 'restarts' | 'stops' | 'resumes']>([
    ['permanent', 'restarts'],
    ['transient', 'restarts'],
    ['temporary', 'stops'],
    ['none', 'resumes'],
  ])('%s, after a failure', (policy, outcome) => {
    it(`${outcome}`, async () => {
      const { app, events, first } = await started(policy);
      await expect(app.ask('svc', msg(Boom, { text: 'corrupted' }))).rejects.toThrow('corrupted');
      if (outcome === 'stops') {
        await eventually(() => events.length === 1);
        expect(events).toEqual(['stopped svc: failed: corrupted']);
        await expect(app.ask('svc', msg(Bump))).rejects.toMatchObject({ code: 'ACTOR_NOT_FOUND' });
        return;
      }
      const after = await app.ask<Counted>('svc', msg(Bump));
      if (outcome === 'resumes') {
        expect(after).toEqual({ count: 3, instance: first.instance });
        expect(events).toEqual([]);
      } else {
        expect(after.count).toBe(1);
        expect(after.instance).not.toBe(first.instance);
        expect(events).toEqual(['restarted svc #1: corrupted']);
      }
    });
  });

  it('a permanent actor stopping itself counts against its restart limit: past it, it stops', async () => {
    const app = await harness.start([
      counterActor('svc', { restart: 'permanent', maxRestarts: 2, backoff: { minMs: 0 } }),
    ]);
    const { events } = recordEvents(app);
    for (let i = 0; i < 2; i++) {
      expect(await app.ask('svc', msg(Quit))).toBe('bye');
      await eventually(() => events.length === i + 1);
    }
    expect(await app.ask('svc', msg(Quit))).toBe('bye');
    await eventually(() => events.length === 4);
    expect(events).toEqual([
      'restarted svc #1: normal',
      'restarted svc #2: normal',
      'limit svc',
      'stopped svc: restart limit exceeded',
    ]);
  });

  it('ctx.stop() called twice, then a throw, in one handler: the caller gets the error, the actor stops once', async () => {
    const app = await harness.start([QuitterActor]);
    const { events } = recordEvents(app);
    await expect(app.ask('quitter', new QuitBadly())).rejects.toThrow('thrown after stopping');
    await eventually(() => events.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['stopped quitter: stopped itself (normal: first)']);
    await expect(app.ask('quitter', new QuitBadly())).rejects.toMatchObject({ code: 'ACTOR_NOT_FOUND' });
  });

  it('a parent stopping itself stops its permanent children first (reverse start order); none restarts', async () => {
    const permanent: SupervisionOptions = { restart: 'permanent', backoff: { minMs: 0 } };
    const kids: [Type, string][] = ['a', 'b'].map((name) => [counterActor(`parent/${name}`, permanent), name]);
    const app = await harness.start([counterActor('parent', { restart: 'transient' }, kids)]);
    const { events } = recordEvents(app);
    journal.length = 0;
    expect(await app.ask('parent', msg(Quit))).toBe('bye');
    await eventually(() => events.length === 3);
    expect(journal.map((line) => line.replace(/#\d+/, ''))).toEqual([
      'quit parent',
      'stop parent/b',
      'stop parent/a',
      'stop parent',
    ]);
    expect(events).toEqual([
      "stopped parent/b: parent 'parent' stopped",
      "stopped parent/a: parent 'parent' stopped",
      'stopped parent: stopped itself (normal)',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.actors()).toEqual([]);
  });

  it('a permanent child stopping itself restarts alone (one-for-one); a transient one is just gone', async () => {
    const kids: [Type, string][] = [
      [counterActor('parent/keep', { restart: 'permanent', backoff: { minMs: 0 } }), 'keep'],
      [counterActor('parent/done', { restart: 'transient', backoff: { minMs: 0 } }), 'done'],
    ];
    const app = await harness.start([counterActor('parent', { backoff: { minMs: 0 } }, kids)]);
    const { events } = recordEvents(app);
    expect(await app.ask('parent/keep', msg(Quit))).toBe('bye');
    expect(await app.ask('parent/done', msg(Quit))).toBe('bye');
    await eventually(() => events.length === 2);
    expect([...events].sort()).toEqual([
      'restarted parent/keep #1: normal',
      'stopped parent/done: stopped itself (normal)',
    ]);
    expect(app.actors().map((entry) => entry.name)).toEqual(['parent', 'parent/keep']);
  });
});
