import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IsInt } from 'class-validator';
import { firstValueFrom, toArray } from 'rxjs';
import { ActonApp, Actor, Logger, Message, Module, OnMessage, OnStop } from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';

@Message('Work')
class Work {
  @IsInt() ms!: number;
}

@Message('Feed')
class Feed {
  @IsInt() items!: number;
}

const events: string[] = [];
const warnings: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m) => warnings.push(m),
  error: (m) => warnings.push(m),
};

@Actor('worker')
class WorkerActor implements OnStop {
  @OnMessage()
  async work(msg: Work): Promise<string> {
    events.push(`work ${msg.ms} start`);
    await sleep(msg.ms);
    events.push(`work ${msg.ms} end`);
    return `done ${msg.ms}`;
  }

  @OnMessage({ readonly: true })
  async *feed(msg: Feed): AsyncGenerator<number> {
    try {
      for (let i = 0; i < msg.items; i++) {
        await sleep(20);
        yield i;
      }
    } finally {
      events.push('feed finally');
    }
  }

  onStop(): void {
    events.push('onStop');
  }
}

@Module({ actors: [WorkerActor] })
class WorkerModule {}

const work = (ms: number) => Object.assign(new Work(), { ms });

describe('close()', () => {
  let app: ActonApp;
  beforeEach(async () => {
    events.length = 0;
    warnings.length = 0;
    app = await createTestingApp(WorkerModule, { logger });
  });
  afterEach(() => app.close());

  it('lets in-flight and queued handlers finish, then calls onStop', async () => {
    const first = app.ask('worker', work(80));
    const second = app.ask('worker', work(10));
    await sleep(10);
    const closed = app.close();
    await expect(app.ask('worker', work(1))).rejects.toMatchObject({
      code: 'SHUTTING_DOWN',
      message: 'Server is shutting down',
    });
    expect(() => app.tell('worker', work(1))).toThrow('Server is shutting down');
    await expect(first).resolves.toBe('done 80');
    await expect(second).resolves.toBe('done 10');
    await closed;
    expect(events).toEqual(['work 80 start', 'work 80 end', 'work 10 start', 'work 10 end', 'onStop']);
    expect(app.state).toBe('closed');
  });

  it('waits for a running stream to finish before onStop', async () => {
    const items = firstValueFrom(app.stream('worker', Object.assign(new Feed(), { items: 3 })).pipe(toArray()));
    await sleep(5);
    await app.close();
    await expect(items).resolves.toEqual([0, 1, 2]);
    expect(events).toEqual(['feed finally', 'onStop']);
  });

  it('gives up after timeoutMs: leftover queued messages and streams end with SHUTTING_DOWN', async () => {
    const slow = app.ask('worker', work(300));
    const queued = app.ask('worker', work(5));
    const stream = firstValueFrom(app.stream('worker', Object.assign(new Feed(), { items: 1000 })).pipe(toArray()));
    await sleep(5);
    const started = Date.now();
    await app.close({ timeoutMs: 50 });
    expect(Date.now() - started).toBeLessThan(250);
    expect(warnings).toEqual([
      'close(): actors still had work after 50 ms; ending their queued messages and streams with SHUTTING_DOWN',
    ]);
    await expect(queued).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    await expect(stream).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    expect(events).toContain('onStop');
    await expect(slow).resolves.toBe('done 300'); // a running handler is never interrupted
    expect(() => app.tell('worker', work(1))).toThrow('Server is shutting down');
  });
});

describe('shutdownSignals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'closes the app gracefully on %s and lets the process exit',
    async (signal) => {
      const child = spawn(
        process.execPath,
        [require.resolve('ts-node/dist/bin'), '--transpile-only', join(__dirname, '../fixtures/signal-app.ts')],
        {
          cwd: join(__dirname, '../../..'),
          env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await waitFor(() => output.includes('ready'), 45_000); // ts-node start-up is slow on a loaded machine
        child.kill(signal);
        await expect(exited).resolves.toBe(0);
        expect(output).toContain('handler finished');
        expect(output).toContain('onStop');
        expect(output.indexOf('handler finished')).toBeLessThan(output.indexOf('onStop'));
      } finally {
        child.kill('SIGKILL');
      }
    },
    60_000,
  );
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}
