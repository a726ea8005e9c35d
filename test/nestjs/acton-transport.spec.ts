import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IpcRequestError } from 'acton-ts/client';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { RawFrameClient } from '../support/raw-frame-client';
import { freshSocketPath, nestAndClientPerSuite, startNestProcess } from './support/nest-process';

const run = promisify(execFile);
const FIXTURE = join(__dirname, 'fixtures', 'nest-calculator.main.ts');

async function failureOf(call: Promise<unknown>): Promise<IpcRequestError> {
  try {
    await call;
  } catch (err) {
    return err as IpcRequestError;
  }
  throw new Error('expected the call to fail');
}

describe('ActonTransport: @MessagePattern handlers of a real Nest microservice answer acton clients', () => {
  const suite = nestAndClientPerSuite(FIXTURE, (socketPath) => `listening on ${socketPath}`);

  it('answers the Python client: a request, a 1,000-item stream, an RpcException code, an unknown type', async () => {
    const { stdout } = await run('python3', [join(__dirname, 'fixtures', 'nest_python_client.py'), suite.socketPath], {
      timeout: 60_000,
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ call: 'add', ok: { sum: 42 } });
    expect(lines[1]).toEqual({ call: 'stream', ok: Array.from({ length: 1000 }, (_, n) => n) });
    expect(lines[2]).toEqual({
      call: 'divide',
      error: 'DIVISION_BY_ZERO',
      message: 'cannot divide 1 by zero',
      details: { name: 'ActorError', data: { a: 1 } },
    });
    expect(lines[3]).toMatchObject({ call: 'unknown', error: 'UNKNOWN_MESSAGE_TYPE' });
  }, 60_000);

  it('answers acton-reactive-shaped raw frames: request, streams (Observable, async *), error with code', async () => {
    const raw = await RawFrameClient.connect(suite.socketPath);
    try {
      raw.request({
        correlation_id: 'r1',
        target: 'calculator',
        message_type: 'AddRequest',
        payload: { a: 1, b: 2 },
        expects_reply: true,
      });
      expect((await raw.next()).body).toEqual({ correlation_id: 'r1', success: true, payload: { sum: 3 } });

      raw.request({
        correlation_id: 's1',
        target: 'calculator',
        message_type: 'CountRequest',
        payload: { n: 1000 },
        expects_stream: true,
      });
      const frames = await raw.nextFrames(1001, 20_000);
      expect(frames.every((frame) => frame.type === MessageType.STREAM)).toBe(true);
      expect(
        frames.slice(0, 1000).map((frame) => [frame.body.sequence, frame.body.is_final, frame.body.payload.n]),
      ).toEqual(Array.from({ length: 1000 }, (_, n) => [n, false, n]));
      expect(frames[1000].body).toEqual({ correlation_id: 's1', sequence: 1000, is_final: true });

      raw.request({
        correlation_id: 'e1',
        target: 'calculator',
        message_type: 'DivideRequest',
        payload: { a: 5, b: 0 },
        expects_reply: true,
      });
      const error = await raw.next();
      expect(error.type).toBe(MessageType.ERROR);
      expect(error.body).toMatchObject({
        correlation_id: 'e1',
        success: false,
        error_code: 'DIVISION_BY_ZERO',
        error: 'cannot divide 5 by zero',
      });

      raw.request({
        correlation_id: 'n1',
        target: 'nobody',
        message_type: 'AddRequest',
        payload: {},
        expects_reply: true,
      });
      expect((await raw.next()).body).toMatchObject({ correlation_id: 'n1', error_code: 'ACTOR_NOT_FOUND' });
    } finally {
      await raw.close();
    }
  });

  it('runs Nest pipes, guards, interceptors and exception filters as any Nest transport does', async () => {
    // Pipe: transforms ("2" → 2) and rejects with its RpcException code.
    await expect(suite.client.request('calculator', 'AddRequest', { a: '2', b: '3' })).resolves.toEqual({ sum: 5 });
    const invalid = await failureOf(suite.client.request('calculator', 'AddRequest', { a: 'x', b: 1 }));
    expect([invalid.code, invalid.message, invalid.details]).toEqual([
      'VALIDATION_FAILED',
      'a and b must be numbers',
      { name: 'ActorError', data: { got: { a: 'x', b: 1 } } },
    ]);
    // Guard: denied, then allowed.
    const denied = await failureOf(suite.client.request('vault', 'OpenRequest', {}));
    expect([denied.code, denied.message]).toEqual(['HANDLER_ERROR', 'Forbidden resource']);
    await expect(suite.client.request('vault', 'OpenRequest', { token: 'secret' })).resolves.toEqual({ opened: true });
    // Interceptor wraps the reply.
    await expect(suite.client.request('calculator', 'EchoRequest', { x: 1 })).resolves.toEqual({
      x: 1,
      intercepted: true,
    });
    // Exception filter maps the error; without one Nest hides it as an internal error.
    const filtered = await failureOf(suite.client.request('calculator', 'BoomRequest', {}));
    expect([filtered.code, filtered.message]).toEqual(['FILTERED', 'filtered: boom']);
    const crashed = await failureOf(suite.client.request('calculator', 'CrashRequest', {}));
    expect([crashed.code, crashed.message]).toEqual(['HANDLER_ERROR', 'Internal server error']);
  });

  it('gives handlers an ActonContext and streams to the TypeScript client', async () => {
    await expect(suite.client.request('calculator', 'ContextRequest', {}, { timeoutMs: 5000 })).resolves.toEqual({
      actor: 'calculator',
      type: 'ContextRequest',
      peer: expect.stringMatching(/^ipc-\d+$/),
      deadline: 'number',
    });
    const items: number[] = [];
    await new Promise<void>((resolve, reject) =>
      suite.client
        .stream<{ n: number }>('calculator', 'CountRequest', { n: 5 })
        .subscribe({ next: (item) => items.push(item.n), error: reject, complete: resolve }),
    );
    expect(items).toEqual([0, 1, 2, 3, 4]);
  });

  it('stops an endless Observable when the client unsubscribes (its connection closes)', async () => {
    const ticks: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = suite.client.stream<{ tick: number }>('calculator', 'TickRequest', {}).subscribe({
        next: (item) => {
          ticks.push(item.tick);
          if (ticks.length === 3) {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    expect(ticks).toEqual([0, 1, 2]);
    await suite.nest.waitForOutput(/ticks stopped \S+/, 10_000);
  });

  it('discovery lists the pattern actors with their types and kinds; other patterns are skipped', async () => {
    const discovery = await suite.client.discover();
    const byName = Object.fromEntries((discovery.actors ?? []).map((actor) => [actor.name, actor.message_types]));
    expect(Object.keys(byName).sort()).toEqual(['audit', 'calculator', 'vault']);
    expect(byName.calculator).toContainEqual({ name: 'CountRequest', kind: 'stream' });
    expect(byName.calculator).toContainEqual({ name: 'AddRequest', kind: 'request' });
    expect(byName.audit).toContainEqual({ name: 'AuditEvent', kind: 'fire-and-forget' });
    expect(discovery.message_types).toEqual(expect.arrayContaining(['AddRequest', 'AuditEvent', 'OpenRequest']));
    expect(suite.nest.output()).toContain(
      'Nest pattern {"cmd":"tcp-only"} does not name an acton actor and message type',
    );
  });

  it('@EventPattern: fire-and-forget is acked; publish() pushes to subscribers and runs the handler', async () => {
    await suite.client.send('audit', 'AuditEvent', { k: 1 }); // resolves on the §3.2 delivery ack
    const pushes: unknown[] = [];
    const subscription = suite.client.subscribe('AuditEvent').subscribe((push) => pushes.push(push.payload));
    try {
      await suite.client.flush();
      await expect(suite.client.request('audit', 'PublishRequest', { text: 'hi' })).resolves.toEqual({
        published: true,
      });
      for (let i = 0; i < 200 && pushes.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(pushes).toEqual([{ text: 'hi' }]);
      const log = await suite.client.request<{ entries: unknown[] }>('audit', 'AuditLogRequest', {});
      expect(log.entries).toEqual([
        { event: { k: 1 }, from: 'request' },
        { event: { text: 'hi' }, from: 'broadcast' },
      ]);
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('ActonTransport: maxInFlight and graceful shutdown of the Nest microservice', () => {
  it('TARGET_BUSY beyond maxInFlight; Nest processing hooks wrap admitted runs; SIGTERM drains', async () => {
    const socketPath = freshSocketPath();
    const nest = await startNestProcess(FIXTURE, [socketPath], `listening on ${socketPath}`, {
      NEST_MAX_IN_FLIGHT: '1',
      NEST_PROCESSING_HOOKS: '1',
    });
    const raw = await RawFrameClient.connect(socketPath);
    try {
      raw.request({
        correlation_id: 'slow1',
        target: 'calculator',
        message_type: 'SlowRequest',
        payload: { ms: 1500 },
        expects_reply: true,
      });
      await nest.waitForOutput('slow started slow1');
      raw.request({
        correlation_id: 'busy1',
        target: 'calculator',
        message_type: 'AddRequest',
        payload: { a: 1, b: 1 },
        expects_reply: true,
      });
      expect((await raw.next()).body).toMatchObject({
        correlation_id: 'busy1',
        success: false,
        error_code: 'TARGET_BUSY',
        error: 'Target actor inbox is full',
      });
      const exited = nest.stop('SIGTERM');
      await nest.waitForOutput('closing');
      raw.request({
        correlation_id: 'late1',
        target: 'calculator',
        message_type: 'AddRequest',
        payload: { a: 1, b: 1 },
        expects_reply: true,
      });
      const answers = await raw.nextFrames(2, 15_000);
      const byId = Object.fromEntries(answers.map((frame) => [frame.body.correlation_id, frame.body]));
      expect(byId.slow1).toEqual({
        correlation_id: 'slow1',
        success: true,
        payload: { done: true, correlationId: 'slow1' },
      });
      expect(byId.late1).toMatchObject({ success: false, error_code: 'SHUTTING_DOWN' });
      await raw.waitForEof(); // the listener closes connections once drained
      await raw.close();
      expect(await exited).toBe(0);
      expect(nest.output()).toMatch(/closed \{.*"backpressureRejections":1,.*"inFlightRequests":0/);
      expect(existsSync(socketPath)).toBe(false);
      // Nest's processing hooks (set by the fixture) wrapped the run that was admitted, and only it.
      const hookLines = nest
        .output()
        .split('\n')
        .filter((line) => /^(hook (start|end)|slow started) /.test(line));
      expect(hookLines).toEqual(['hook start slow1', 'slow started slow1', 'hook end slow1']);
    } finally {
      await raw.close();
      await nest.stop('SIGKILL');
    }
  }, 180_000);
});
