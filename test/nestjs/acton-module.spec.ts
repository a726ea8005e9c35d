import { join } from 'node:path';
import { RawFrameClient } from '../support/raw-frame-client';
import { freshSocketPath, NestProcess, nestAndClientPerSuite, startNestProcess } from './support/nest-process';

const FIXTURE = join(__dirname, 'fixtures', 'nest-actors.main.ts');

function hooks(nest: NestProcess): string[] {
  return nest
    .output()
    .split('\n')
    .filter((line) => line.startsWith('hook '))
    .map((line) => line.slice('hook '.length));
}

describe('ActonModule: acton actors inside a real Nest app', () => {
  const suite = nestAndClientPerSuite(FIXTURE, (socketPath) => `ready ${socketPath}`, 'SIGKILL');

  it('starts the actors while Nest initialises, before any onModuleInit hook', () => {
    expect(hooks(suite.nest)).toEqual([
      'acton GreeterActor.onStart (nest service injected: true)',
      'nest GreetingService.onModuleInit',
      'nest FrontDesk.onModuleInit (acton app running)',
    ]);
  });

  it('acton → Nest: a Nest provider gets ActonApp, Broker and an exported acton provider injected', async () => {
    const first = await suite.nest.command({ op: 'ask', name: 'nest' });
    expect(first.result).toEqual({ reply: { text: 'Hello, nest!' }, visits: 1 });
    const broker = await suite.nest.command({ op: 'broker' });
    expect(broker.result).toEqual({ sameBroker: true });
  });

  it('Nest → acton: the actor uses the bridged Nest provider when called over IPC', async () => {
    await expect(suite.client.request('greeter', 'Greet', { name: 'ipc' })).resolves.toEqual({ text: 'Hello, ipc!' });
  });

  it('ActonTransport({ app }) serves Nest handlers on the same listener as the actors', async () => {
    const discovery = await suite.client.discover();
    expect((discovery.actors ?? []).map((actor) => actor.name).sort()).toEqual(['frontdesk', 'greeter']);
    const pushes: unknown[] = [];
    const subscription = suite.client.subscribe('NameSeen').subscribe((push) => pushes.push(push.payload));
    try {
      await suite.client.flush();
      const welcome = await suite.client.request<{ reply: unknown; visits: number }>('frontdesk', 'Welcome', {
        name: 'hybrid',
      });
      expect(welcome.reply).toEqual({ text: 'Hello, hybrid!' });
      for (let i = 0; i < 200 && pushes.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(pushes).toEqual([{ name: 'hybrid' }]); // the Nest handler's broker.broadcast reached the IPC subscriber
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('ActonModule: shutdown', () => {
  it('drains the acton app after the Nest code that uses it and before the Nest providers its actors use', async () => {
    const socketPath = freshSocketPath();
    const nest = await startNestProcess(FIXTURE, [socketPath], `ready ${socketPath}`);
    const raw = await RawFrameClient.connect(socketPath);
    try {
      raw.request({
        correlation_id: 'slow',
        target: 'greeter',
        message_type: 'Greet',
        payload: { name: 'late', delay_ms: 1000 },
        expects_reply: true,
      });
      await nest.waitForOutput('hook acton greet started late');
      const exited = nest.stop('SIGTERM');
      const answer = await raw.next(15_000);
      expect(answer.body).toEqual({ correlation_id: 'slow', success: true, payload: { text: 'Hello, late!' } });
      await raw.waitForEof();
      await raw.close();
      expect(await exited).toBe(0);
      expect(hooks(nest).slice(hooks(nest).indexOf('SIGTERM'))).toEqual([
        'SIGTERM',
        'nest FrontDesk.onModuleDestroy (acton app running)',
        'acton GreeterActor.onStop',
        'nest GreetingService.onModuleDestroy',
        'nest GreetingService.onApplicationShutdown',
        'closed (acton app closed)',
      ]);
    } finally {
      await raw.close();
      await nest.stop('SIGKILL');
    }
  }, 180_000);
});
