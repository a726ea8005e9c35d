import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import {
  ActonApp,
  Actor,
  ActorRestarted,
  ActorStopped,
  InMemoryKeyedStateStore,
  KeyedStateStore,
  Message,
  MessageContext,
  Module,
  OnActivate,
  OnMessage,
  OnPassivate,
  OnStart,
  OnStop,
  RestartLimitExceeded,
  SupervisionOptions,
  Type,
} from 'acton-ts';
import { createTestingApp, ManualClock } from 'acton-ts/testing';
import { recordingLogger } from '../../support/ipc-test-app';
import { eventually } from '../supervision/fixtures/supervised-actors';

@Message('Tallied')
class Tallied {
  count!: number;
  instance!: number;
}

/** Adds `n` to the key's count. */
@Message('Tally', { reply: Tallied })
class Tally {
  @IsInt() n = 1;
}

/** The handler throws a plain Error (a failure). */
@Message('Crash')
class Crash {
  @IsString() text = 'crash';
}

/** The handler ends its activation normally (`ctx.stop()`). */
@Message('Leave')
class Leave {}

/** What every activation did, in order: `<hook> <key>#<instance> [...]`. */
const journal: string[] = [];
let instances = 0;

/** A per-key counter whose state (the count) is saved by `onPassivate` and loaded by `onActivate`. */
class TallyBase implements OnActivate<number>, OnPassivate<number>, OnStart, OnStop {
  readonly instance = ++instances;
  count = 0;
  key = '?';

  onActivate(state: number | undefined, key: string): void {
    this.key = key;
    this.count = state ?? 0;
    journal.push(`activate ${this.label} ${state ?? 'none'}`);
  }

  onStart(): void {
    journal.push(`start ${this.label}`);
  }

  onPassivate(): number {
    journal.push(`passivate ${this.label} ${this.count}`);
    return this.count;
  }

  onStop(): void {
    journal.push(`stop ${this.label}`);
  }

  get label(): string {
    return `${this.key}#${this.instance}`;
  }

  @OnMessage()
  tally(message: Tally): Tallied {
    this.count += message.n;
    return { count: this.count, instance: this.instance };
  }

  @OnMessage()
  crash(message: Crash): void {
    journal.push(`crash ${this.label}`);
    throw new Error(message.text);
  }

  @OnMessage()
  leave(_message: Leave, ctx: MessageContext): string {
    ctx.stop('done');
    return 'bye';
  }
}

/** A keyed `tally` actor class with `supervision` (none: no option). */
function tallyActor(supervision?: SupervisionOptions): Type {
  const type = class extends TallyBase {};
  Object.defineProperty(type, 'name', { value: 'TallyActor' });
  Actor({ name: 'tally', cluster: 'keyed', idleTimeoutMs: 600_000, ...(supervision && { supervision }) })(type);
  return type;
}

function tally(n = 1): Tally {
  return Object.assign(new Tally(), { n });
}

describe('keyed actors under supervision (a failed activation restarts per the actor class option)', () => {
  let app: ActonApp | undefined;
  let clock: ManualClock;
  let store: InMemoryKeyedStateStore;
  let events: string[];
  const logs: string[] = [];

  async function start(supervision?: SupervisionOptions): Promise<ActonApp> {
    clock = new ManualClock();
    store = new InMemoryKeyedStateStore();
    @Module({ actors: [tallyActor(supervision)], providers: [{ provide: KeyedStateStore, useValue: store }] })
    class TallyModule {}
    app = await createTestingApp(TallyModule, { clock, logger: recordingLogger(logs) });
    events = [];
    app.broker.messages(ActorRestarted).subscribe((e) => events.push(`restarted ${e.name} #${e.attempt}: ${e.cause}`));
    app.broker.messages(ActorStopped).subscribe((e) => events.push(`stopped ${e.name}: ${e.reason}`));
    app.broker.messages(RestartLimitExceeded).subscribe((e) => events.push(`limit ${e.name}`));
    return app;
  }

  beforeEach(() => {
    journal.length = 0;
    logs.length = 0;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('permanent: the failing key restarts with a fresh instance; its unsaved state is dropped; other keys are untouched', async () => {
    const app = await start({ restart: 'permanent', backoff: { minMs: 0 } });
    const first = await app.ask<Tallied>('tally/a', tally(5));
    const other = await app.ask<Tallied>('tally/b', tally(7));
    await expect(app.ask('tally/a', new Crash())).rejects.toThrow('crash');
    const after = await app.ask<Tallied>('tally/a', tally(1));
    expect(after.instance).not.toBe(first.instance);
    expect(after.count).toBe(1); // the failed instance's count (5) was never saved
    expect(await app.ask<Tallied>('tally/b', tally(1))).toEqual({ count: 8, instance: other.instance });
    expect(journal.filter((line) => line.includes(' a#'))).toEqual([
      `activate a#${first.instance} none`,
      `start a#${first.instance}`,
      `crash a#${first.instance}`,
      `stop a#${first.instance}`, // onStop, no onPassivate: a failed instance's state is suspect
      `activate a#${after.instance} none`,
      `start a#${after.instance}`,
    ]);
    expect(events).toEqual(['restarted tally/a #1: crash']);
  });

  it('the restarted activation loads the last saved state (onActivate), not the failed one', async () => {
    const app = await start({ backoff: { minMs: 0 } });
    await app.ask('tally/a', tally(3));
    await app.keyedActor('tally')!.passivate('a'); // saves 3
    expect((await app.ask<Tallied>('tally/a', tally(4))).count).toBe(7); // in memory only
    await expect(app.ask('tally/a', new Crash())).rejects.toThrow('crash');
    expect((await app.ask<Tallied>('tally/a', tally(1))).count).toBe(4); // 3 (saved) + 1
    expect(journal.filter((line) => line.startsWith('activate')).map((line) => line.replace(/#\d+/, ''))).toEqual([
      'activate a none',
      'activate a 3',
      'activate a 3',
    ]);
  });

  it('calls queued for the key during the restart wait for the backoff (on the app clock), then reach the new instance in order', async () => {
    const app = await start({ backoff: { minMs: 1_000, maxMs: 1_000 } });
    const first = await app.ask<Tallied>('tally/a', tally(1));
    const failing = app.ask('tally/a', new Crash());
    const queued = [1, 2, 3].map((n) => app.ask<Tallied>('tally/a', tally(n)));
    await expect(failing).rejects.toThrow('crash');
    const answered: number[] = [];
    queued.forEach((reply, i) => void reply.then(() => answered.push(i)));
    await clock.advance(999);
    expect(answered).toEqual([]);
    const later = app.ask<Tallied>('tally/a', tally(10)); // sent during the backoff
    expect(journal).toContain(`stop a#${first.instance}`);
    await clock.advance(1);
    const replies = await Promise.all([...queued, later]);
    expect(replies.map((reply) => reply.count)).toEqual([1, 3, 6, 16]);
    expect(new Set(replies.map((reply) => reply.instance))).toEqual(new Set([replies[0].instance]));
    expect(replies[0].instance).not.toBe(first.instance);
    expect(events).toEqual(['restarted tally/a #1: crash']);
  });

  it('temporary: the activation is dropped, queued calls fail IO_ERROR, ActorStopped; the key re-activates on its next message', async () => {
    const app = await start({ restart: 'temporary' });
    const first = await app.ask<Tallied>('tally/a', tally(2));
    const failing = app.ask('tally/a', new Crash());
    const queued = app.ask('tally/a', tally(1));
    await expect(failing).rejects.toThrow('crash');
    await expect(queued).rejects.toMatchObject({ code: 'IO_ERROR', message: 'I/O error: Recipient channel is closed' });
    expect(events).toEqual(['stopped tally/a: failed: crash']);
    const again = await app.ask<Tallied>('tally/a', tally(1));
    expect(again.instance).not.toBe(first.instance);
    expect(again.count).toBe(1);
  });

  it('past maxRestarts within withinMs: RestartLimitExceeded, the activation is dropped (queued calls fail)', async () => {
    const app = await start({ maxRestarts: 1, withinMs: 10_000, backoff: { minMs: 0 } });
    await expect(app.ask('tally/a', new Crash())).rejects.toThrow('crash');
    await app.ask('tally/a', tally(1)); // restarted once
    const failing = app.ask('tally/a', new Crash());
    const queued = app.ask('tally/a', tally(1));
    await expect(failing).rejects.toThrow('crash');
    await expect(queued).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(events).toEqual(['restarted tally/a #1: crash', 'limit tally/a', 'stopped tally/a: restart limit exceeded']);
    expect(logs.some((line) => line.startsWith("error Keyed actor 'tally/a' failed more than 1 times"))).toBe(true);
  });

  it('without a supervision option a failing handler leaves the activation as it is (resume)', async () => {
    const app = await start();
    const first = await app.ask<Tallied>('tally/a', tally(2));
    await expect(app.ask('tally/a', new Crash())).rejects.toThrow('crash');
    expect(await app.ask<Tallied>('tally/a', tally(1))).toEqual({ count: 3, instance: first.instance });
    expect(events).toEqual([]);
  });

  it('ctx.stop() passivates the activation after its handler (state saved); the next message re-activates it', async () => {
    const app = await start({ restart: 'permanent', backoff: { minMs: 0 } });
    const first = await app.ask<Tallied>('tally/a', tally(4));
    expect(await app.ask('tally/a', new Leave())).toBe('bye');
    const after = await app.ask<Tallied>('tally/a', tally(1));
    expect(after.count).toBe(5);
    expect(after.instance).not.toBe(first.instance);
    expect(journal).toContain(`passivate a#${first.instance} 4`);
    expect(await store.load('tally', 'a')).toBe(4);
  });

  it('app.close() during a restart backoff ends it at once: queued calls fail, nothing hangs', async () => {
    const app = await start({ backoff: { minMs: 60_000, maxMs: 60_000 } });
    await app.ask('tally/a', tally(1));
    await expect(app.ask('tally/a', new Crash())).rejects.toThrow('crash');
    const queued = app.ask('tally/a', tally(1));
    const outcome = queued.then(
      () => 'answered',
      (err: { code?: string }) => err.code,
    );
    await app.close({ timeoutMs: 2_000 });
    expect(await outcome).toMatch(/^(SHUTTING_DOWN|IO_ERROR)$/);
    expect(clock.pending).toBe(0);
    expect(logs.filter((line) => line.includes('close():'))).toEqual([]); // nothing waited for its bound
  });

  it('soak: 2,000 calls over 10 keys, one key failing every 10th call: one answer each, 20 restarts, other keys keep state', async () => {
    const app = await start({ maxRestarts: 1_000_000, backoff: { minMs: 0, maxMs: 0 } });
    const answers = new Uint8Array(2_000);
    const calls = Array.from({ length: 2_000 }, (_, i) => {
      const key = `k${i % 10}`;
      const call = i % 100 === 99 ? app.ask(`tally/${key}`, new Crash()) : app.ask<Tallied>(`tally/${key}`, tally(1));
      return call.then(
        (reply) => ({ key, ok: true, count: (reply as Tallied).count, seen: ++answers[i] }),
        (err: Error) => ({ key, ok: false, count: -1, seen: ++answers[i], message: err.message }),
      );
    });
    const outcomes = await Promise.all(calls);
    expect(answers.every((count) => count === 1)).toBe(true);
    expect(outcomes.filter((outcome) => !outcome.ok)).toHaveLength(20);
    expect(outcomes.filter((outcome) => !outcome.ok).every((outcome) => outcome.key === 'k9')).toBe(true);
    for (let k = 0; k < 9; k++) {
      const counts = outcomes.filter((outcome) => outcome.key === `k${k}`).map((outcome) => outcome.count);
      expect(counts).toEqual(Array.from({ length: 200 }, (_, i) => i + 1)); // never restarted
    }
    // k9: 9 tallies between failures, each run on a fresh activation counting from 1.
    const k9 = outcomes.filter((outcome) => outcome.key === 'k9').map((outcome) => outcome.count);
    expect(k9).toEqual(Array.from({ length: 20 }, () => [1, 2, 3, 4, 5, 6, 7, 8, 9, -1]).flat());
    await eventually(() => events.length === 20); // the last failure's restart ends after its call answered
    expect(events).toEqual(Array.from({ length: 20 }, (_, k) => `restarted tally/k9 #${k + 1}: crash`));
  });
});
