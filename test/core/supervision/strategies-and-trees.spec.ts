import 'reflect-metadata';
import { ActonApp, SupervisionOptions, Type } from 'acton-ts';
import {
  Boom,
  Bump,
  counterActor,
  Counted,
  eventually,
  journal,
  ListChildren,
  msg,
  recordEvents,
  SpawnChild,
  useSupervisedApp,
} from './fixtures/supervised-actors';

const FAST: SupervisionOptions = { backoff: { minMs: 0 } };

/** Journal lines of one kind (`start` / `stop`) with the instance numbers removed. */
function steps(kind: string): string[] {
  return journal.filter((line) => line.startsWith(`${kind} `)).map((line) => line.replace(/#\d+.*$/, ''));
}

describe('children, strategies and escalation', () => {
  const harness = useSupervisedApp();
  const logs = harness.logs;
  const start = (root: Type, options: { rootEscalation?: 'log' | 'close' } = {}): Promise<ActonApp> =>
    harness.start([root], options);

  function family(strategy: SupervisionOptions['strategy']): Type {
    const kids: [Type, string][] = ['a', 'b', 'c'].map((name) => [counterActor(`parent/${name}`, FAST), name]);
    return counterActor('parent', { ...FAST, strategy }, kids);
  }

  async function failChildB(app: ActonApp): Promise<void> {
    for (const name of ['parent/a', 'parent/b', 'parent/c']) await app.ask(name, msg(Bump, { n: 10 }));
    journal.length = 0;
    await expect(app.ask('parent/b', msg(Boom))).rejects.toThrow('boom');
    await app.ask('parent/b', msg(Bump)); // answered by the new instance, after the whole group restarted
  }

  async function counts(app: ActonApp): Promise<number[]> {
    const names = ['parent/a', 'parent/b', 'parent/c'];
    return Promise.all(names.map(async (name) => (await app.ask<Counted>(name, msg(Bump, { n: 0 }))).count));
  }

  it('children are named parent/child, listed by ctx.children() in start order, and carry their parent', async () => {
    const app = await start(family('one-for-one'));
    expect(await app.ask('parent', msg(ListChildren))).toEqual(['parent/a', 'parent/b', 'parent/c']);
    expect(
      app
        .actors()
        .filter((entry) => entry.parent === 'parent')
        .map((entry) => [entry.name, entry.expose]),
    ).toEqual([
      ['parent/a', false],
      ['parent/b', false],
      ['parent/c', false],
    ]);
    expect(app.actorRef('parent/b')!.parent).toBe('parent');
  });

  it('ctx.spawn from a handler nests names, refuses a taken one, and rejects names with "/"', async () => {
    const Leaf = counterActor('unused-leaf', FAST);
    const app = await start(counterActor('root', undefined, [], Leaf)); // resumes: a refused spawn must not restart it
    expect(await app.ask('root', msg(SpawnChild, { name: 'x' }))).toBe('root/x');
    await expect(app.ask('root', msg(SpawnChild, { name: 'x' }))).rejects.toThrow(
      "Cannot spawn Counter_unused_leaf as 'root/x': the name is taken",
    );
    await expect(app.ask('root', msg(SpawnChild, { name: 'y/z' }))).rejects.toThrow('Invalid child name "y/z"');
    expect((await app.ask<Counted>('root/x', msg(Bump, { n: 4 }))).count).toBe(4);
  });

  it('one-for-one: only the failing child restarts', async () => {
    const app = await start(family('one-for-one'));
    await failChildB(app);
    expect(steps('stop')).toEqual(['stop parent/b']);
    expect(steps('start')).toEqual(['start parent/b']);
    expect(await counts(app)).toEqual([10, 1, 10]);
  });

  it('one-for-all: every child stops (reverse start order) and starts again (start order)', async () => {
    const app = await start(family('one-for-all'));
    const { events } = recordEvents(app);
    await failChildB(app);
    expect(steps('stop')).toEqual(['stop parent/c', 'stop parent/b', 'stop parent/a']);
    expect(steps('start')).toEqual(['start parent/a', 'start parent/b', 'start parent/c']);
    expect(await counts(app)).toEqual([0, 1, 0]);
    expect(events).toEqual([
      "restarted parent/a #1: sibling 'parent/b' failed: boom",
      'restarted parent/b #1: boom',
      "restarted parent/c #1: sibling 'parent/b' failed: boom",
    ]);
  });

  it('rest-for-one: the failing child and those started after it restart', async () => {
    const app = await start(family('rest-for-one'));
    await failChildB(app);
    expect(steps('stop')).toEqual(['stop parent/c', 'stop parent/b']);
    expect(steps('start')).toEqual(['start parent/b', 'start parent/c']);
    expect(await counts(app)).toEqual([10, 1, 0]);
  });

  it('a restarting parent stops its children first; its new onStart spawns them again', async () => {
    const app = await start(family('one-for-one'));
    await app.ask('parent/a', msg(Bump, { n: 3 }));
    journal.length = 0;
    await expect(app.ask('parent', msg(Boom))).rejects.toThrow('boom');
    await eventually(() => steps('start').length === 4);
    expect(steps('stop')).toEqual(['stop parent/c', 'stop parent/b', 'stop parent/a', 'stop parent']);
    expect(steps('start')).toEqual(['start parent', 'start parent/a', 'start parent/b', 'start parent/c']);
    expect((await app.ask<Counted>('parent/a', msg(Bump))).count).toBe(1);
  });

  it('a child failing while its parent restarts is stopped with it, not restarted twice; the tree comes back', async () => {
    const app = await start(family('one-for-one'));
    const { events } = recordEvents(app);
    const failures = [app.ask('parent/b', msg(Boom)), app.ask('parent', msg(Boom))];
    await Promise.all(failures.map((failure) => expect(failure).rejects.toThrow('boom')));
    await eventually(() => events.some((event) => event.startsWith('restarted parent #1')));
    await eventually(() => app.actorRef('parent/c') !== undefined);
    expect(await app.ask('parent', msg(ListChildren))).toEqual(['parent/a', 'parent/b', 'parent/c']);
    expect((await app.ask<Counted>('parent/b', msg(Bump))).count).toBe(1);
    expect(app.actors().map((entry) => entry.name)).toEqual(['parent', 'parent/a', 'parent/b', 'parent/c']);
  });

  it('closing the app stops a tree leaves first: children before parents, reverse start order', async () => {
    const grandchildren: [Type, string][] = [
      [counterActor('top/mid/x', FAST), 'x'],
      [counterActor('top/mid/y', FAST), 'y'],
    ];
    const kids: [Type, string][] = [
      [counterActor('top/first', FAST), 'first'],
      [counterActor('top/mid', FAST, grandchildren), 'mid'],
    ];
    const app = await start(counterActor('top', FAST, kids));
    await app.close();
    expect(steps('stop')).toEqual(['stop top/mid/y', 'stop top/mid/x', 'stop top/mid', 'stop top/first', 'stop top']);
  });

  /** top (maxRestarts 0) → top/mid (maxRestarts 0) → top/mid/leaf (maxRestarts 1). */
  function chain(topRestarts: number): Type {
    const leaf = counterActor('top/mid/leaf', { maxRestarts: 1, backoff: { minMs: 0 } });
    const mid = counterActor('top/mid', { maxRestarts: 0 }, [[leaf, 'leaf']]);
    return counterActor('top', { maxRestarts: topRestarts, backoff: { minMs: 0 } }, [[mid, 'mid']]);
  }

  it('escalation three levels deep: each level past its limit stops and fails its parent; the root logs it', async () => {
    const app = await start(chain(0));
    const { events } = recordEvents(app);
    await expect(app.ask('top/mid/leaf', msg(Boom, { text: 'first' }))).rejects.toThrow('first');
    await eventually(() => events.length === 1);
    await expect(app.ask('top/mid/leaf', msg(Boom, { text: 'second' }))).rejects.toThrow('second');
    await eventually(() => events.includes('stopped top: restart limit exceeded'));
    expect(events).toEqual([
      'restarted top/mid/leaf #1: first',
      'limit top/mid/leaf',
      'stopped top/mid/leaf: restart limit exceeded',
      'limit top/mid',
      'stopped top/mid: restart limit exceeded',
      'limit top',
      'stopped top: restart limit exceeded',
    ]);
    expect(app.actors()).toEqual([]);
    expect(app.state).toBe('running');
    expect(logs.some((line) => line.startsWith("error Actor 'top' failed more than 0 times"))).toBe(true);
  });

  it("rootEscalation: 'close' closes the app when the escalation passes the root", async () => {
    const app = await start(chain(0), { rootEscalation: 'close' });
    const { events } = recordEvents(app);
    await expect(app.ask('top/mid/leaf', msg(Boom))).rejects.toThrow('boom');
    await eventually(() => events.length === 1);
    await expect(app.ask('top/mid/leaf', msg(Boom))).rejects.toThrow('boom');
    await eventually(() => app.state === 'closed');
  });

  it('an escalation that reaches a parent with restarts left restarts it, and the tree comes back', async () => {
    const app = await start(chain(3));
    const { events } = recordEvents(app);
    await expect(app.ask('top/mid/leaf', msg(Boom))).rejects.toThrow('boom');
    await eventually(() => events.length === 1);
    await expect(app.ask('top/mid/leaf', msg(Boom))).rejects.toThrow('boom');
    await eventually(() => events.some((event) => event.startsWith('restarted top #1')));
    await eventually(() => app.actorRef('top/mid/leaf') !== undefined);
    expect((await app.ask<Counted>('top/mid/leaf', msg(Bump))).count).toBe(1);
    expect(events.slice(0, 5)).toEqual([
      'restarted top/mid/leaf #1: boom',
      'limit top/mid/leaf',
      'stopped top/mid/leaf: restart limit exceeded',
      'limit top/mid',
      'stopped top/mid: restart limit exceeded',
    ]);
  });
});
