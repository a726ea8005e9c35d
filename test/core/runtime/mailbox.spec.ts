import { ActorError } from '../../../lib/core/errors/actor-error';
import { Mailbox } from '../../../lib/core/runtime/mailbox';

/** A job whose run the test ends by hand (`finish`), or which ends at once when `sync`. */
interface Job {
  readonly name: string;
  readonly readonly: boolean;
  readonly sync?: boolean;
}

/** A mailbox with a runner that records starts and holds each asynchronous job until finished. */
function recordingMailbox(capacity = 100) {
  const started: string[] = [];
  const running = new Map<string, () => void>();
  const failures: string[] = [];
  const mailbox = new Mailbox<Job>(capacity, {
    runJob(job) {
      started.push(job.name);
      if (job.name.startsWith('throw')) throw new Error(`${job.name} failed`);
      if (job.sync) return;
      return new Promise<void>((resolve) => running.set(job.name, resolve));
    },
    jobFailed: (err, job) => void failures.push(`${job.name}: ${(err as Error).message}`),
  });
  const finish = async (name: string): Promise<void> => {
    const resolve = running.get(name);
    if (!resolve) throw new Error(`${name} is not running`);
    running.delete(name);
    resolve();
    await settle();
  };
  return { mailbox, started, running, failures, finish };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const write = (name: string): Job => ({ name, readonly: false });
const read = (name: string): Job => ({ name, readonly: true });

describe('Mailbox: exclusive and readonly scheduling, bounded capacity', () => {
  it('starts work on a microtask, never on the caller stack', async () => {
    const { mailbox, started } = recordingMailbox();
    mailbox.enqueue(write('w1'));
    expect(started).toEqual([]);
    await settle();
    expect(started).toEqual(['w1']);
  });

  it('starts an atOnce job on the caller stack only when nothing else is queued, running or waiting for dispatch', async () => {
    const { mailbox, started, finish } = recordingMailbox();
    mailbox.enqueue({ name: 's1', readonly: false, sync: true }, true);
    expect(started).toEqual(['s1']); // idle: started at once
    mailbox.enqueue(write('w1'), true);
    expect(started).toEqual(['s1', 'w1']); // still idle once s1 ended synchronously
    mailbox.enqueue(write('w2'), true);
    expect(started).toEqual(['s1', 'w1']); // w1 is running: w2 waits its turn
    await finish('w1');
    expect(started).toEqual(['s1', 'w1', 'w2']);
    await finish('w2');

    // Another mailbox waiting for the turn's dispatch is not overtaken.
    const other = recordingMailbox();
    other.mailbox.enqueue(write('o1'));
    mailbox.enqueue(write('w3'), true);
    expect(started).toEqual(['s1', 'w1', 'w2']);
    await settle();
    expect(other.started).toEqual(['o1']);
    expect(started).toEqual(['s1', 'w1', 'w2', 'w3']);
  });

  it('runs mutating jobs one at a time, in arrival order', async () => {
    const { mailbox, started, finish } = recordingMailbox();
    for (const name of ['w1', 'w2', 'w3']) mailbox.enqueue(write(name));
    await settle();
    expect(started).toEqual(['w1']);
    await finish('w1');
    expect(started).toEqual(['w1', 'w2']);
    await finish('w2');
    expect(started).toEqual(['w1', 'w2', 'w3']);
  });

  it('runs consecutive readonly jobs together, but never while a mutating one runs', async () => {
    const { mailbox, started, running, finish } = recordingMailbox();
    mailbox.enqueue(read('r1'));
    mailbox.enqueue(read('r2'));
    mailbox.enqueue(write('w1'));
    mailbox.enqueue(read('r3'));
    await settle();
    expect(started).toEqual(['r1', 'r2']); // w1 waits for the readers before it
    await finish('r1');
    expect(started).toEqual(['r1', 'r2']);
    await finish('r2');
    expect(started).toEqual(['r1', 'r2', 'w1']); // r3 queued behind w1 waits for it (FIFO)
    expect([...running.keys()]).toEqual(['w1']);
    await finish('w1');
    expect(started).toEqual(['r1', 'r2', 'w1', 'r3']);
  });

  it('releases a synchronous job at once, creating no wait', async () => {
    const { mailbox, started } = recordingMailbox();
    for (const name of ['w1', 'w2', 'w3']) mailbox.enqueue({ name, readonly: false, sync: true });
    await settle();
    expect(started).toEqual(['w1', 'w2', 'w3']);
    expect(mailbox.idle).toBe(true);
  });

  it('throws TARGET_BUSY when capacity jobs wait; running jobs do not count', async () => {
    const { mailbox, finish } = recordingMailbox(2);
    mailbox.enqueue(write('w1'));
    await settle(); // w1 runs: the queue is empty again
    mailbox.enqueue(write('w2'));
    mailbox.enqueue(write('w3'));
    expect(mailbox.queued).toBe(2);
    const refused = captureThrow(() => mailbox.enqueue(write('w4')));
    expect(refused).toBeInstanceOf(ActorError);
    expect(refused).toMatchObject({ code: 'TARGET_BUSY', message: 'Target actor inbox is full' });
    await finish('w1');
    expect(() => mailbox.enqueue(write('w4'))).not.toThrow();
  });

  it('draining refuses new jobs with SHUTTING_DOWN and finishes the queued ones; whenIdle resolves after', async () => {
    const { mailbox, started, finish } = recordingMailbox();
    mailbox.enqueue(write('w1'));
    mailbox.enqueue(write('w2'));
    mailbox.drain();
    expect(captureThrow(() => mailbox.enqueue(write('late')))).toMatchObject({ code: 'SHUTTING_DOWN' });
    let idle = false;
    void mailbox.whenIdle().then(() => (idle = true));
    await settle();
    await finish('w1');
    expect(idle).toBe(false);
    await finish('w2');
    expect(idle).toBe(true);
    expect(started).toEqual(['w1', 'w2']);
  });

  it('close returns the jobs that will not run and refuses everything after', async () => {
    const { mailbox, started } = recordingMailbox();
    mailbox.enqueue(write('w1'));
    mailbox.enqueue(write('w2'));
    const dropped = mailbox.close();
    expect(dropped.map((job) => job.name)).toEqual(['w1', 'w2']);
    expect(captureThrow(() => mailbox.enqueue(write('w3')))).toMatchObject({
      code: 'IO_ERROR',
      message: 'I/O error: Recipient channel is closed',
    });
    await settle();
    expect(started).toEqual([]);
    expect(mailbox.state).toBe('closed');
  });

  it('reports a runner that throws and keeps serving the next jobs', async () => {
    const { mailbox, started, failures } = recordingMailbox();
    mailbox.enqueue(write('throw-1'));
    mailbox.enqueue({ name: 'w2', readonly: false, sync: true });
    await settle();
    expect(failures).toEqual(['throw-1: throw-1 failed']);
    expect(started).toEqual(['throw-1', 'w2']);
  });

  it('yields to I/O after 512 synchronous jobs in a row, then continues', async () => {
    const { mailbox, started } = recordingMailbox(2000);
    for (let i = 0; i < 1000; i++) mailbox.enqueue({ name: `s${i}`, readonly: false, sync: true });
    await Promise.resolve(); // the microtask that starts the pump
    await Promise.resolve();
    expect(started.length).toBe(512);
    await settle();
    await settle();
    expect(started.length).toBe(1000);
  });

  it('runs the mailboxes that got work in one turn in the order they got it, before any later microtask', async () => {
    const order: string[] = [];
    const boxes = ['a', 'b', 'c'].map(
      (name) =>
        new Mailbox<Job>(10, { runJob: (job) => void order.push(`${name}:${job.name}`), jobFailed: () => undefined }),
    );
    boxes[1].enqueue(write('1'));
    boxes[0].enqueue(write('1'));
    queueMicrotask(() => order.push('later microtask'));
    boxes[2].enqueue(write('1'));
    boxes[1].enqueue(write('2'));
    await settle();
    expect(order).toEqual(['b:1', 'b:2', 'a:1', 'c:1', 'later microtask']);
  });
});

describe('Mailbox pool: an idle mailbox is handed back by its owner and reused', () => {
  /** An owner that drops and recycles its mailbox whenever it reports idle, as actors do. */
  function recyclingOwner(name: string, log: string[]) {
    const owner = {
      box: undefined as Mailbox<Job> | undefined,
      runJob: (job: Job) => void log.push(`${name}:${job.name}`),
      jobFailed: () => undefined,
      mailboxIdle(box: Mailbox<Job>) {
        if (owner.box !== box) return;
        owner.box = undefined;
        box.recycle();
      },
      mailbox: () => (owner.box ??= Mailbox.obtain<Job>(5, owner)),
    };
    return owner;
  }

  it('gives the idle mailbox back and hands it, open and empty, to the next owner, who alone runs its jobs', async () => {
    const log: string[] = [];
    const first = recyclingOwner('first', log);
    const used = first.mailbox();
    used.enqueue(write('w1'));
    await settle();
    expect(first.box).toBeUndefined(); // dropped once idle
    const second = recyclingOwner('second', log);
    const reused = second.mailbox();
    expect(reused).toBe(used);
    expect(reused.state).toBe('open');
    expect(reused.queued).toBe(0);
    expect(reused.capacity).toBe(5);
    reused.enqueue(write('w2'));
    await settle();
    expect(log).toEqual(['first:w1', 'second:w2']);
  });

  it('keeps a suspended, draining or closed mailbox out of the pool', async () => {
    const log: string[] = [];
    const owner = recyclingOwner('owner', log);
    const box = owner.mailbox();
    box.suspend();
    box.enqueue(write('w1'));
    await settle();
    expect(log).toEqual([]); // suspended: waits, and is not idle
    box.drain();
    box.resume();
    await settle();
    expect(log).toEqual(['owner:w1']);
    expect(owner.box).toBe(box); // draining: kept (later messages must hear SHUTTING_DOWN)
    expect(Mailbox.obtain<Job>(5, recyclingOwner('other', log))).not.toBe(box);
  });
});

function captureThrow(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
