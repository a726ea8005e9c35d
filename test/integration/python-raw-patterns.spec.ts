import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sameUidPolicy } from 'acton-ts';
import { IpcTestApp, useSharedIpcTestApp } from '../support/ipc-test-app';
import { SECURITY_ACTORS } from './fixtures/security-actors';
import { TEST_ACTORS } from './fixtures/test-actors';

const run = promisify(execFile);

describe('a Python process speaking raw pattern frames, admitted by peer credentials (docs/protocol.md §11)', () => {
  let t: IpcTestApp;
  useSharedIpcTestApp(
    [...TEST_ACTORS, ...SECURITY_ACTORS],
    { onApp: (app) => (t = app) },
    { security: sameUidPolicy() },
  );

  it('sees its own uid/gid/pid in ctx.peer, subscribes by pattern and gets each push once', async () => {
    const { stdout } = await run('python3', [join(__dirname, 'fixtures', 'raw_patterns.py'), t.socketPath], {
      timeout: 30_000,
    });
    const [first, ...lines] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const pid = first.pid as number;
    const peer = {
      connectionId: expect.stringMatching(/^ipc-\d+$/),
      uid: process.getuid!(),
      gid: process.getgid!(),
      pid,
    };
    expect(lines[0]).toEqual({
      type: 2,
      body: {
        correlation_id: 'py_who',
        success: true,
        payload: { peer: { ...peer, caller: expect.any(Object) }, caller: { uid: peer.uid, gid: peer.gid, pid } },
      },
    });
    expect(pid).not.toBe(process.pid);
    expect(lines[1]).toEqual({
      type: 2,
      body: { correlation_id: 'psub_py', success: true, subscribed_patterns: ['*', 'Price*'] },
    });
    expect(lines[2]).toEqual({
      type: 2,
      body: {
        correlation_id: 'psub_bad',
        success: false,
        error: "pattern must contain exactly one terminal '*'",
        subscribed_patterns: [],
      },
    });
    expect(lines[3]).toEqual({
      type: 2,
      body: { correlation_id: 'sub_py', success: true, subscribed_types: ['PriceUpdate'] },
    });
    const rest = lines.slice(4, 7);
    expect(rest).toContainEqual({
      type: 2,
      body: { correlation_id: 'py_pub', success: true, payload: { published: 2 } },
    });
    expect(rest.filter((line) => line.type === 5).map((line) => line.body.payload)).toEqual([
      { symbol: 'PAT', price: 100 },
      { symbol: 'PAT', price: 101 },
    ]);
    expect(lines[7]).toEqual({
      type: 2,
      body: { correlation_id: 'punsub_py', success: true, subscribed_patterns: [] },
    });
    expect(lines).toHaveLength(8);
  }, 60_000);
});
