import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freshSocketPath, NestProcess, startNestProcess } from './support/nest-process';

const run = promisify(execFile);
const SAMPLE = resolve(__dirname, '..', '..', 'sample', 'nestjs', 'main.ts');

describe('sample/nestjs (npm run sample:nestjs): HTTP, actors and a Nest handler in one Nest app', () => {
  let nest: NestProcess;
  let socketPath: string;
  let base: string;

  beforeAll(async () => {
    socketPath = freshSocketPath('sample.sock');
    nest = await startNestProcess(SAMPLE, [], `acton listening on ${socketPath}`, {
      PORT: '0',
      ACTON_IPC_SOCKET: socketPath,
      XDG_CONFIG_HOME: join(socketPath, '..', 'xdg'),
    });
    base = /HTTP on (http:\/\/127\.0\.0\.1:\d+)/.exec(nest.output())![1];
  }, 150_000);
  afterAll(async () => {
    await nest?.stop('SIGKILL');
  });

  it('a Nest HTTP controller asks the actors; an actor error code becomes an HTTP status', async () => {
    const add = await fetch(`${base}/add?a=2&b=3`);
    expect([add.status, await add.json()]).toEqual([200, { sum: 5 }]);
    const order = (product: string): Promise<Response> =>
      fetch(`${base}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ product, quantity: 1 }),
      });
    const placed = await order('widget');
    expect(placed.status).toBe(201);
    expect(await placed.json()).toEqual({ order_id: expect.any(String) });
    const soldOut = await order('gizmo');
    expect([soldOut.status, ((await soldOut.json()) as { code: string }).code]).toEqual([409, 'OUT_OF_STOCK']);
  });

  it('the Python demo reaches the Nest handler and an actor on the same socket', async () => {
    const { stdout } = await run('python3', [join(__dirname, '..', '..', 'sample', 'nestjs', 'demo.py')], {
      env: { ...process.env, ACTON_IPC_SOCKET: socketPath },
      timeout: 30_000,
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({
      call: 'greetings.HelloRequest',
      reply: { greeting: 'Hello, Python, from Nest!', connection: expect.stringMatching(/^ipc-/) },
    });
    expect(lines[1]).toEqual({
      call: 'greetings.HelloRequest',
      error: 'NAME_REQUIRED',
      message: 'HelloRequest needs a name',
    });
    expect(lines[2]).toEqual({ call: 'calculator.AddRequest', reply: { sum: 42 } });
    expect(lines[3]).toEqual({ actors: ['calculator', 'countdown', 'greetings', 'orders'] });
  }, 60_000);

  it('stops gracefully on SIGTERM and removes its socket', async () => {
    const code = await nest.stop('SIGTERM');
    expect([0, 'SIGTERM']).toContain(code); // enableShutdownHooks re-raises the signal after closing
    expect(existsSync(socketPath)).toBe(false);
    expect(nest.output()).not.toMatch(/error/i);
  });
});
