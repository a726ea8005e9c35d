import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { isolateIpcEnvironment, startIpcTestApp } from '../support/ipc-test-app';
import { CalculatorActor, TEST_ACTORS } from './fixtures/test-actors';

const freshPath = (): string => join(mkdtempSync(join(tmpdir(), 'acton-sock-')), 'nested', 'dir', 'ipc.sock');
const ask = (id: string, target: string) => ({
  correlation_id: id,
  target,
  message_type: 'Add',
  payload: { a: 2, b: 3 },
  expects_reply: true,
});

describe('the socket file (docs/protocol.md §5.6)', () => {
  let restore: () => void;
  beforeEach(() => {
    restore = isolateIpcEnvironment();
  });
  afterEach(() => restore());

  it('§10.67 starting on a path where a listener accepts connections fails and leaves it serving', async () => {
    const first = await startIpcTestApp(TEST_ACTORS, { socket: { path: freshPath() } });
    try {
      await expect(startIpcTestApp([CalculatorActor], { socket: { path: first.socketPath } })).rejects.toThrow(
        `Another IPC listener is already running at ${first.socketPath}`,
      );
      const client = await first.connect();
      client.request(ask('still', 'calculator'));
      expect((await client.next()).body.payload).toEqual({ sum: 5 });
    } finally {
      await first.close();
    }
  });

  it('§10.67 a stale socket file (nobody listening) is replaced and the listener starts', async () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    // A process that binds and exits without unlinking leaves exactly such a file behind.
    execFileSync('python3', ['-c', 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])', path]);
    expect(statSync(path).isSocket()).toBe(true);
    const t = await startIpcTestApp(TEST_ACTORS, { socket: { path } });
    try {
      const client = await t.connect();
      client.request(ask('fresh', 'calculator'));
      expect((await client.next()).body.payload).toEqual({ sum: 5 });
    } finally {
      await t.close();
    }
    expect(existsSync(path)).toBe(false);
  });

  it('a regular file at the socket path is an error naming it, and the file is left untouched', async () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'precious');
    await expect(startIpcTestApp(TEST_ACTORS, { socket: { path } })).rejects.toThrow(
      /a regular file already exists there and is not a socket; it was left untouched/,
    );
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });

  it('§10.68 the socket file has mode 0660 by default and socket.mode when configured; missing parents are created', async () => {
    const byDefault = await startIpcTestApp(TEST_ACTORS, { socket: { path: freshPath() } });
    const configured = await startIpcTestApp(TEST_ACTORS, { socket: { path: freshPath(), mode: 0o600 } });
    try {
      expect(statSync(byDefault.socketPath).mode & 0o777).toBe(0o660);
      expect(statSync(configured.socketPath).mode & 0o777).toBe(0o600);
    } finally {
      await byDefault.close();
      await configured.close();
    }
  });

  it('§10.69 without socket.path the socket is $XDG_RUNTIME_DIR/acton/<app_name>/ipc.sock', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'acton-xdg-run-'));
    process.env.XDG_RUNTIME_DIR = runtime;
    const t = await startIpcTestApp(
      [CalculatorActor],
      { socket: { appName: 'pricing' } },
      { derivePathFromAppName: true },
    );
    try {
      expect(t.socketPath).toBe(join(runtime, 'acton', 'pricing', 'ipc.sock'));
      expect(statSync(t.socketPath).isSocket()).toBe(true);
      expect(t.logs.some((line) => line.startsWith('info IPC listener started: socket ' + t.socketPath))).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('§10.69 with XDG_RUNTIME_DIR unset the socket is /tmp/acton/<app_name>/ipc.sock', async () => {
    delete process.env.XDG_RUNTIME_DIR;
    const appName = `acton-ts-test-${process.pid}-${Date.now()}`;
    const t = await startIpcTestApp([CalculatorActor], { socket: { appName } }, { derivePathFromAppName: true });
    try {
      expect(t.socketPath).toBe(`/tmp/acton/${appName}/ipc.sock`);
      expect(statSync(t.socketPath).isSocket()).toBe(true);
    } finally {
      await t.close();
      rmSync(`/tmp/acton/${appName}`, { recursive: true, force: true });
    }
  });

  it('a bad configuration value fails bootstrap naming the key', async () => {
    await expect(startIpcTestApp(TEST_ACTORS, { limits: { maxConnections: 0 } })).rejects.toThrow(/maxConnections/);
  });
});

describe('expose / hide at run time', () => {
  it('serves a spawned actor once exposed, refuses a taken name, and stops serving a hidden name', async () => {
    const restore = isolateIpcEnvironment();
    const t = await startIpcTestApp(TEST_ACTORS);
    try {
      const listener = t.app.listener!;
      const extra = await t.app.spawn(CalculatorActor, 'calculator-2');
      const client = await t.connect();
      client.request(ask('before', 'calculator-2'));
      expect((await client.next()).body.error_code).toBe('ACTOR_NOT_FOUND');
      listener.expose('calculator-2', extra);
      client.request(ask('after', 'calculator-2'));
      expect((await client.next()).body).toEqual({ correlation_id: 'after', success: true, payload: { sum: 5 } });
      expect(() => listener.expose('calculator', extra)).toThrow(
        /Cannot expose actor 'calculator-2'.* as 'calculator': that IPC name is already taken by actor 'calculator'/,
      );
      const hidden = t.app.actorRef('hidden')!;
      listener.expose('public-hidden', hidden);
      client.request(ask('alias', 'public-hidden'));
      expect((await client.next()).body.payload).toEqual({ sum: 5 });
      expect(listener.hide('calculator')).toBe(true);
      client.request(ask('gone', 'calculator'));
      expect((await client.next()).body).toMatchObject({
        error_code: 'ACTOR_NOT_FOUND',
        error: 'Actor not found: calculator',
      });
      client.send(MessageType.DISCOVER, { correlation_id: 'd', include_message_types: false });
      const names = (await client.next()).body.actors.map((a: { name: string }) => a.name);
      expect(names).toEqual(expect.arrayContaining(['calculator-2', 'public-hidden']));
      expect(names).not.toContain('calculator');
    } finally {
      await t.close();
      restore();
    }
  });
});
