import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap, IpcModule, Module } from 'acton-ts';
import { MAX_NESTING_DEPTH } from '../../lib/ipc/protocol/nesting-limit';
import { Format, MessageType } from '../../lib/ipc/protocol/wire-types';
import { encodeFrame } from '../../lib/ipc/protocol/frame-encoder';
import { TEST_ACTORS } from '../integration/fixtures/test-actors';
import { isolateIpcEnvironment, IpcTestApp, recordingLogger, startIpcTestApp } from '../support/ipc-test-app';
import { RawFrameClient } from '../support/raw-frame-client';

/**
 * Security basics (issue 8): the socket file is never more permissive than configured, not even
 * for an instant; a file that is not a socket is never deleted; payloads built to blow up the
 * parsers are refused with a clear SERIALIZATION_ERROR.
 */

/**
 * A separate process that lstat()s `path` in a tight loop and records every permission mode it
 * sees, until `stopFile` exists. Separate, so it observes while this process binds.
 */
interface ModeWatch {
  /** Resolves once the watcher polls. */
  readonly ready: Promise<void>;
  /** Resolves after `stopFile` appeared: lstat observations, files seen appearing, distinct modes. */
  readonly result: Promise<{ seen: number; appearances: number; modes: number[] }>;
}

function watchModes(path: string, stopFile: string): ModeWatch {
  const script = `
    const fs = require('node:fs');
    const modes = new Set(); let seen = 0, appearances = 0, present = false; const end = Date.now() + 30000;
    process.stdout.write('ready\\n');
    for (let i = 0; Date.now() < end; i++) {
      try { modes.add(fs.lstatSync(${JSON.stringify(path)}).mode & 0o777); seen++; if (!present) appearances++; present = true; } catch { present = false; }
      if (i % 256 === 0 && fs.existsSync(${JSON.stringify(stopFile)})) break;
    }
    process.stdout.write(JSON.stringify({ seen, appearances, modes: [...modes] }));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) markReady();
  });
  const result = new Promise<{ seen: number; appearances: number; modes: number[] }>((resolve, reject) => {
    child.once('exit', () => {
      try {
        resolve(JSON.parse(out.slice('ready\n'.length)));
      } catch {
        reject(new Error(`mode watcher printed no result: ${out}`));
      }
    });
  });
  return { ready, result };
}

function moduleOn(path: string, mode?: number, logs: string[] = []) {
  @Module({
    imports: [
      IpcModule.forRoot({
        socket: { path, appName: 'sec', ...(mode === undefined ? {} : { mode }) },
        logger: recordingLogger(logs),
      }),
    ],
    actors: TEST_ACTORS,
  })
  class SecurityModule {}
  return SecurityModule;
}

describe('security basics', () => {
  let restore: () => void;
  beforeAll(() => (restore = isolateIpcEnvironment()));
  afterAll(() => restore());

  it.each([
    ['default', undefined, 0o660, 20],
    ['0600', 0o600, 0o600, 10],
  ])(
    'socket mode %s: across restarts, a concurrent watcher never sees the socket file with another mode',
    async (_name, configured, expected, restarts) => {
      const dir = mkdtempSync(join(tmpdir(), 'acton-rel-mode-'));
      const path = join(dir, 'ipc.sock');
      const stopFile = join(dir, 'stop');
      const watcher = watchModes(path, stopFile);
      await watcher.ready;
      for (let i = 0; i < restarts; i++) {
        const app = await bootstrap(moduleOn(path, configured));
        expect(lstatSync(path).mode & 0o777).toBe(expected);
        await new Promise((r) => setTimeout(r, 20)); // live long enough for the watcher to catch it
        await app.close({ timeoutMs: 500 });
      }
      writeFileSync(stopFile, '');
      const { seen, appearances, modes } = await watcher.result;
      process.stdout.write(
        `socket mode watcher: ${seen} observations, ${appearances} appearances seen over ${restarts} binds, modes seen ${modes.map((m) => m.toString(8))}\n`,
      );
      expect(appearances).toBeGreaterThan(0);
      expect(modes).toEqual([expected]);
    },
    60_000,
  );

  it.each([
    ['a regular file', (path: string) => writeFileSync(path, 'precious data'), 'regular file'],
    ['a directory', (path: string) => mkdirSync(path), 'directory'],
    [
      'a symbolic link',
      (path: string) => (writeFileSync(`${path}.target`, 'precious data'), symlinkSync(`${path}.target`, path)),
      'symbolic link',
    ],
  ])('%s at the socket path is left untouched and startup fails naming it', async (_what, create, kind) => {
    const path = join(mkdtempSync(join(tmpdir(), 'acton-rel-nonsock-')), 'ipc.sock');
    create(path);
    const before = lstatSync(path);
    await expect(bootstrap(moduleOn(path))).rejects.toThrow(
      `Cannot create the IPC socket at ${path}: a ${kind} already exists there and is not a socket; it was left untouched. Remove it or configure another socket.path (ACTON_IPC_SOCKET).`,
    );
    const after = lstatSync(path);
    expect({ ino: after.ino, mode: after.mode, size: after.size }).toEqual({
      ino: before.ino,
      mode: before.mode,
      size: before.size,
    });
    if (kind === 'regular file') expect(readFileSync(path, 'utf8')).toBe('precious data');
  });

  describe('payloads built to blow up the parsers', () => {
    let t: IpcTestApp;
    let client: RawFrameClient;
    beforeAll(async () => {
      t = await startIpcTestApp(TEST_ACTORS);
    });
    beforeEach(async () => {
      client = await t.connect();
    });
    afterAll(() => t.close());

    const request = (payload: string) =>
      `{"correlation_id":"deep","target":"calculator","message_type":"Add","payload":${payload},"expects_reply":true}`;
    const nested = (depth: number, open = '[', close = ']', leaf = '1') =>
      open.repeat(depth) + leaf + close.repeat(depth);

    async function refusedAsTooDeep(expectedPrefix: string): Promise<void> {
      const frame = await client.next();
      expect(frame.body.success).toBe(false);
      expect(frame.body.error).toMatch(
        new RegExp(
          `^${expectedPrefix}.*recursion limit exceeded: arrays/objects nested deeper than ${MAX_NESTING_DEPTH} levels`,
        ),
      );
      client.write('00000000020401');
      expect((await client.next()).type).toBe(MessageType.HEARTBEAT); // the connection survives
    }

    it.each([
      ['100,000 nested arrays', nested(100_000)],
      ['100,000 nested objects', nested(100_000, '{"a":', '}')],
    ])(
      '%s inside a payload (within the 1 MiB size limit) → SERIALIZATION_ERROR, connection open',
      async (_what, deep) => {
        const body = request(`{"a":1,"b":2,"x":${deep}}`);
        expect(body.length).toBeLessThan(1024 * 1024);
        client.send(MessageType.REQUEST, body);
        await refusedAsTooDeep('Failed to parse envelope: Serialization error: ');
      },
    );

    it('100,000 nested MessagePack arrays → SERIALIZATION_ERROR', async () => {
      const prefix = Buffer.from([
        0x85,
        0xae,
        ...Buffer.from('correlation_id'),
        0xa1,
        0x78,
        0xa6,
        ...Buffer.from('target'),
        0xaa,
        ...Buffer.from('calculator'),
        0xac,
        ...Buffer.from('message_type'),
        0xa3,
        ...Buffer.from('Add'),
        0xad,
        ...Buffer.from('expects_reply'),
        0xc3,
        0xa7,
        ...Buffer.from('payload'),
      ]);
      const deep = Buffer.concat([Buffer.alloc(100_000, 0x91), Buffer.from([0x01])]); // [[[…1…]]]
      client.write(encodeFrame(MessageType.REQUEST, Format.MSGPACK, Buffer.concat([prefix, deep])));
      await refusedAsTooDeep('Failed to parse envelope: Serialization error: ');
    });

    it('a deeply nested subscribe body is refused the same way', async () => {
      client.send(MessageType.SUBSCRIBE, `{"correlation_id":"s","message_types":["Tick"],"x":${nested(50_000)}}`);
      await refusedAsTooDeep('Parse error: Serialization error: ');
    });

    it(`nesting up to the limit (${MAX_NESTING_DEPTH} levels, envelope included) and wide payloads are accepted`, async () => {
      // envelope = level 1, payload = 2, x = 3 … so x may add MAX - 2 more levels.
      client.send(MessageType.REQUEST, request(`{"a":1,"b":2,"x":${nested(MAX_NESTING_DEPTH - 2)}}`));
      expect((await client.next()).body).toMatchObject({ success: true, payload: { sum: 3 } });
      client.send(MessageType.REQUEST, request(`{"a":1,"b":2,"x":${nested(MAX_NESTING_DEPTH - 1)}}`));
      expect((await client.next()).body.error).toMatch(/recursion limit exceeded/);
      const wide = `[${Array.from({ length: 100_000 }, () => '[1]').join(',')}]`; // 400 KB, depth 2
      client.send(MessageType.REQUEST, request(`{"a":2,"b":2,"x":${wide}}`));
      expect((await client.next()).body).toMatchObject({ success: true, payload: { sum: 4 } });
    });
  });
});
