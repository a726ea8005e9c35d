import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { IsInt, IsString } from 'class-validator';
import { ActonApp, Actor, ActorError, Message, Module, OnMessage } from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';

@Message('Append')
class Append {
  @IsString() producer!: string;
  @IsInt() seq!: number;
}

@Message('Snapshot')
class Snapshot {}

@Message('SlowWrite')
class SlowWrite {
  @IsInt() ms!: number;
  @IsString() label!: string;
}

@Message('SlowRead')
class SlowRead {
  @IsInt() ms!: number;
  @IsString() label!: string;
}

interface Span {
  label: string;
  kind: 'read' | 'write';
  start: number;
  end: number;
}

@Actor({ name: 'journal', mailboxCapacity: 20_000 })
class JournalActor {
  readonly entries: string[] = [];
  readonly spans: Span[] = [];
  private running = 0;
  maxConcurrentReads = 0;

  @OnMessage()
  async append(msg: Append): Promise<number> {
    if (msg.seq % 7 === 0) await Promise.resolve(); // some handlers really are asynchronous
    this.entries.push(`${msg.producer}:${msg.seq}`);
    return this.entries.length;
  }

  @OnMessage({ readonly: true })
  snapshot(_msg: Snapshot): number {
    return this.entries.length;
  }

  @OnMessage()
  async slowWrite(msg: SlowWrite): Promise<void> {
    const start = performance.now();
    await sleep(msg.ms);
    this.spans.push({ label: msg.label, kind: 'write', start, end: performance.now() });
  }

  @OnMessage({ readonly: true })
  async slowRead(msg: SlowRead): Promise<void> {
    const start = performance.now();
    this.running++;
    this.maxConcurrentReads = Math.max(this.maxConcurrentReads, this.running);
    await sleep(msg.ms);
    this.running--;
    this.spans.push({ label: msg.label, kind: 'read', start, end: performance.now() });
  }
}

@Actor({ name: 'tiny', mailboxCapacity: 3 })
class TinyActor {
  @OnMessage()
  async slowWrite(msg: SlowWrite): Promise<string> {
    await sleep(msg.ms);
    return msg.label;
  }
}

@Module({ actors: [JournalActor, TinyActor] })
class SchedulingModule {}

const append = (producer: string, seq: number) => Object.assign(new Append(), { producer, seq });
const write = (label: string, ms: number) => Object.assign(new SlowWrite(), { label, ms });
const read = (label: string, ms: number) => Object.assign(new SlowRead(), { label, ms });

describe('mailbox scheduling', () => {
  let app: ActonApp;
  beforeEach(async () => {
    app = await createTestingApp(SchedulingModule);
  });
  afterEach(() => app.close());

  it('runs 10,000 interleaved mutating messages one at a time in arrival order', async () => {
    const producers = ['a', 'b', 'c', 'd'];
    const sent: string[] = [];
    const replies: Promise<number>[] = [];
    for (let seq = 0; seq < 2500; seq++) {
      for (const producer of producers) {
        sent.push(`${producer}:${seq}`);
        replies.push(app.ask('journal', append(producer, seq)));
      }
      if (seq % 500 === 0) await Promise.resolve(); // senders interleave with handling
    }
    const lengths = await Promise.all(replies);
    const journal = app.get(JournalActor);
    expect(journal.entries).toHaveLength(10_000);
    expect(journal.entries).toEqual(sent);
    expect(lengths).toEqual(sent.map((_, i) => i + 1)); // each saw exactly the writes before it
  });

  it('overlaps readonly handlers with each other but never with a mutating one, keeping FIFO', async () => {
    const done = [
      app.ask('journal', read('r1', 60)).catch(() => undefined),
      app.ask('journal', read('r2', 60)).catch(() => undefined),
      app.ask('journal', write('w1', 40)).catch(() => undefined),
      app.ask('journal', read('r3', 40)).catch(() => undefined),
      app.ask('journal', read('r4', 40)).catch(() => undefined),
      app.ask('journal', write('w2', 20)).catch(() => undefined),
    ];
    await Promise.all(done);
    const journal = app.get(JournalActor);
    const span = (label: string) => journal.spans.find((s) => s.label === label)!;
    expect(journal.spans).toHaveLength(6);
    expect(journal.maxConcurrentReads).toBe(2);
    // readers before a writer overlap each other...
    expect(span('r2').start).toBeLessThan(span('r1').end);
    expect(span('r4').start).toBeLessThan(span('r3').end);
    // ...and no span overlaps a write
    for (const w of journal.spans.filter((s) => s.kind === 'write')) {
      for (const other of journal.spans.filter((s) => s !== w)) {
        const overlaps = other.start < w.end && w.start < other.end;
        expect({ write: w.label, other: other.label, overlaps }).toEqual({
          write: w.label,
          other: other.label,
          overlaps: false,
        });
      }
    }
    // FIFO: w1 after r1/r2, r3/r4 after w1, w2 after r3/r4
    expect(span('w1').start).toBeGreaterThanOrEqual(Math.max(span('r1').end, span('r2').end));
    expect(span('r3').start).toBeGreaterThanOrEqual(span('w1').end);
    expect(span('w2').start).toBeGreaterThanOrEqual(Math.max(span('r3').end, span('r4').end));
  });

  it('a readonly message does not overtake a mutating one queued before it', async () => {
    const writeDone = app.ask('journal', append('x', 1));
    const seen = await app.ask('journal', new Snapshot());
    await writeDone;
    expect(seen).toBe(1);
  });

  it('rejects at once with TARGET_BUSY when the mailbox is full', async () => {
    const accepted = [app.ask('tiny', write('running', 200))];
    await sleep(10); // the first one is running; the next three fill the queue
    for (const label of ['q1', 'q2', 'q3']) accepted.push(app.ask('tiny', write(label, 1)));
    const started = Date.now();
    const rejected = app.ask('tiny', write('overflow', 1));
    await expect(rejected).rejects.toBeInstanceOf(ActorError);
    await expect(rejected).rejects.toMatchObject({ code: 'TARGET_BUSY', message: 'Target actor inbox is full' });
    expect(Date.now() - started).toBeLessThan(150); // did not wait for the running handler
    expect(() => app.tell('tiny', write('told', 1))).toThrow(expect.objectContaining({ code: 'TARGET_BUSY' }));
    await expect(Promise.all(accepted)).resolves.toEqual(['running', 'q1', 'q2', 'q3']);
  });
});
