import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { IpcTestApp, useSharedIpcTestApp } from '../support/ipc-test-app';
import { TEST_ACTORS } from './fixtures/test-actors';

const run = promisify(execFile);
/** Debian's system Python, where python3-msgpack installs (the pyenv python3 may lack msgpack). */
const PYTHON_WITH_MSGPACK = process.env.ACTON_TEST_MSGPACK_PYTHON ?? '/usr/bin/python3';

describe('the Python client over MessagePack frames, for real (python3-msgpack)', () => {
  let t: IpcTestApp;
  useSharedIpcTestApp(TEST_ACTORS, { onApp: (app) => (t = app) });

  it('requests, streams, errors, subscriptions, patterns and discovery in format 0x02 (sync and async)', async () => {
    const env = { ...process.env, PYTHONPATH: resolve(__dirname, '..', '..', 'clients', 'python') };
    const script = join(__dirname, 'fixtures', 'msgpack_client.py');
    const { stdout } = await run(PYTHON_WITH_MSGPACK, [script, t.socketPath], { timeout: 30_000, env }).catch(
      (err: { stdout?: string }) => {
        throw new Error(`${PYTHON_WITH_MSGPACK} msgpack_client.py failed: ${err.stdout ?? String(err)}`);
      },
    );
    const steps = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { step: string; value: unknown })
        .map((s) => [s.step, s.value]),
    );
    expect(steps).toEqual({
      request: { sum: 42 },
      stream: [{ n: 0 }, { n: 1 }, { n: 2 }],
      error: { code: 'ACTOR_NOT_FOUND', message: 'Actor not found: nobody' },
      subscribe: ['TradeExecuted'],
      subscribe_patterns: ['*', 'Price*'],
      bad_pattern: { code: 'REQUEST_FAILED', message: "pattern must contain exactly one terminal '*'" },
      pushes: [
        { symbol: 'MP', price: 100 },
        { symbol: 'MP', price: 101 },
      ],
      unsubscribe_patterns: [],
      discover_has_add: true,
      async_request: { sum: 3 },
      async_subscribe_patterns: ['Trade*'],
      async_unsubscribe_patterns: [],
    });
  }, 60_000);
});
