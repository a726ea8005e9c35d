import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IpcTestApp, useSharedIpcTestApp } from '../support/ipc-test-app';
import { TEST_ACTORS } from './fixtures/test-actors';

const run = promisify(execFile);

describe('a Python process speaking the raw protocol (standard library only)', () => {
  let t: IpcTestApp;
  useSharedIpcTestApp(TEST_ACTORS, { onApp: (app) => (t = app) });

  it('does a request, a stream and a subscription over its own socket code', async () => {
    const { stdout } = await run('python3', [join(__dirname, 'fixtures', 'raw_client.py'), t.socketPath], {
      timeout: 30_000,
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: number; body: any });
    expect(lines[0]).toEqual({ type: 2, body: { correlation_id: 'py_req', success: true, payload: { sum: 42 } } });
    expect(lines.slice(1, 5)).toEqual([
      { type: 9, body: { correlation_id: 'py_str', sequence: 0, is_final: false, payload: { n: 0 } } },
      { type: 9, body: { correlation_id: 'py_str', sequence: 1, is_final: false, payload: { n: 1 } } },
      { type: 9, body: { correlation_id: 'py_str', sequence: 2, is_final: false, payload: { n: 2 } } },
      { type: 9, body: { correlation_id: 'py_str', sequence: 3, is_final: true } },
    ]);
    expect(lines[5]).toEqual({
      type: 2,
      body: { correlation_id: 'py_sub', success: true, subscribed_types: ['PriceUpdate'] },
    });
    const rest = lines.slice(6);
    expect(rest).toContainEqual({
      type: 2,
      body: { correlation_id: 'py_pub', success: true, payload: { published: 2 } },
    });
    const pushes = rest.filter((line) => line.type === 5).map((line) => line.body);
    expect(pushes.map((p) => p.payload)).toEqual([
      { symbol: 'PY', price: 100 },
      { symbol: 'PY', price: 101 },
    ]);
    expect(pushes.every((p) => p.source_actor === 'ticker' && p.message_type === 'PriceUpdate')).toBe(true);
  });
});
