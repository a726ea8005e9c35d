import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IsString } from 'class-validator';
import { Observable } from 'rxjs';
import { Actor, ActorError, bootstrap, IpcModule, Message, MessageContext, Module, OnMessage, OnStart } from 'acton-ts';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { isolateIpcEnvironment, IpcTestApp, recordingLogger, startIpcTestApp } from '../support/ipc-test-app';
import { RawFrameClient, ReceivedFrame } from '../support/raw-frame-client';
import { freshSocketPath, startServer } from './fixtures/server-process';

/**
 * Faults inside the app (issue 8): whatever a handler does — throw anything, never settle, fail
 * midway through a stream, produce an unencodable error — the caller gets a frame, the
 * connection keeps working, and the actor keeps serving within its own mailbox rules.
 */
@Message('Fault')
class Fault {
  @IsString() how!: string;
}

@Message('StreamFault')
class StreamFault {
  @IsString() how!: string;
}

@Message('Ping')
class Ping {}

/** Readonly twins: concurrency among readonly handlers of one actor. */
@Message('ReadHang')
class ReadHang {}

@Message('ReadPing')
class ReadPing {}

class Weird {
  toJSON(): never {
    throw new Error('toJSON exploded');
  }
}

@Actor('faulty')
class FaultyActor {
  @OnMessage({ ipc: true })
  async fault(msg: Fault, ctx: MessageContext): Promise<unknown> {
    switch (msg.how) {
      case 'throw':
        throw new Error('disk full');
      case 'throw-string':
        throw 'just a string';
      case 'throw-null':
        throw null;
      case 'reject':
        await sleep(5);
        throw new RangeError('late failure');
      case 'circular-data': {
        const data: Record<string, unknown> = {};
        data.self = data;
        throw new ActorError('BAD_DATA', 'data cannot be encoded', data);
      }
      case 'bigint-data':
        throw new ActorError('BAD_DATA', 'data cannot be encoded', { n: 10n });
      case 'toJSON-throws':
        return new Weird();
      case 'hang':
        return new Promise(() => undefined); // never settles: holds this (mutating) actor
      case 'hang-until-aborted':
        return new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      default:
        return { how: msg.how };
    }
  }

  @OnMessage({ ipc: true })
  ping(_msg: Ping): { pong: true } {
    return { pong: true };
  }

  @OnMessage({ ipc: true, readonly: true })
  readHang(_msg: ReadHang): Promise<never> {
    return new Promise(() => undefined);
  }

  @OnMessage({ ipc: true, readonly: true })
  readPing(_msg: ReadPing): { pong: 'read' } {
    return { pong: 'read' };
  }

  @OnMessage({ ipc: true, readonly: true })
  streamFault(msg: StreamFault): Observable<{ n: number }> | AsyncIterable<{ n: number }> {
    if (msg.how === 'observable') {
      return new Observable((subscriber) => {
        subscriber.next({ n: 0 });
        subscriber.next({ n: 1 });
        subscriber.error(new Error('feed lost'));
      });
    }
    if (msg.how === 'subscribe-throws') {
      return new Observable(() => {
        throw new Error('cannot even start');
      });
    }
    return failingIterable();
  }
}

async function* failingIterable(): AsyncGenerator<{ n: number }> {
  yield { n: 0 };
  yield { n: 1 };
  throw new Error('feed lost');
}

@Actor('bystander')
class BystanderActor {
  @OnMessage({ ipc: true })
  ping(_msg: Ping): { pong: true } {
    return { pong: true };
  }
}

let counter = 0;
const ask = (client: RawFrameClient, target: string, type: string, payload: unknown, timeoutMs = 5000): string => {
  const id = `f-${++counter}`;
  client.request({
    correlation_id: id,
    target,
    message_type: type,
    payload,
    expects_reply: true,
    response_timeout_ms: timeoutMs,
  });
  return id;
};
const answerTo = async (client: RawFrameClient, id: string, timeoutMs = 5000): Promise<ReceivedFrame> =>
  (await client.nextWhere((f) => f.body?.correlation_id === id, timeoutMs)).frame;

describe('faults inside the app', () => {
  let restore: () => void;
  let t: IpcTestApp;
  let client: RawFrameClient;

  beforeAll(async () => {
    restore = isolateIpcEnvironment();
    t = await startIpcTestApp([FaultyActor, BystanderActor]);
  });
  beforeEach(async () => {
    client = await t.connect();
  });
  afterAll(async () => {
    await t.close();
    restore();
  });

  async function stillServing(): Promise<void> {
    expect((await answerTo(client, ask(client, 'faulty', 'Ping', {}))).body).toMatchObject({
      success: true,
      payload: { pong: true },
    });
    client.write('00000000020401');
    expect((await client.nextWhere((f) => f.type === MessageType.HEARTBEAT)).frame.payload.length).toBe(0);
  }

  it.each([
    ['throw', 'HANDLER_ERROR', 'disk full', 'Error'],
    ['throw-string', 'HANDLER_ERROR', 'just a string', 'string'],
    ['throw-null', 'HANDLER_ERROR', 'null', 'null'],
    ['reject', 'HANDLER_ERROR', 'late failure', 'RangeError'],
  ])('a handler that fails with %s answers %s and the actor keeps serving', async (how, code, message, name) => {
    const frame = await answerTo(client, ask(client, 'faulty', 'Fault', { how }));
    expect(frame.type).toBe(MessageType.ERROR);
    expect(frame.body).toMatchObject({ success: false, error_code: code, error_details: { name } });
    expect(frame.body.error).toContain(message);
    await stillServing();
  });

  it.each(['circular-data', 'bigint-data'])(
    'an ActorError whose data cannot be encoded (%s) still answers BAD_DATA; the connection survives',
    async (how) => {
      const frame = await answerTo(client, ask(client, 'faulty', 'Fault', { how }));
      expect(frame.body).toMatchObject({ success: false, error_code: 'BAD_DATA', error: 'data cannot be encoded' });
      await stillServing();
    },
  );

  it('a reply whose toJSON throws becomes the §3.3 fallback payload, not a lost answer', async () => {
    const frame = await answerTo(client, ask(client, 'faulty', 'Fault', { how: 'toJSON-throws' }));
    expect(frame.body).toMatchObject({ success: true, payload: { _ipc_fallback: true } });
    await stillServing();
  });

  it.each(['observable', 'iterable'])(
    'a stream (%s) that errors midway sends its items, then one error frame; the connection keeps working',
    async (how) => {
      const id = `stream-${how}`;
      client.request({
        correlation_id: id,
        target: 'faulty',
        message_type: 'StreamFault',
        payload: { how },
        expects_stream: true,
      });
      const frames = await client.nextFrames(3);
      expect(frames.map((f) => f.type)).toEqual([MessageType.STREAM, MessageType.STREAM, MessageType.STREAM]);
      expect(frames.slice(0, 2).map((f) => f.body)).toEqual([
        { correlation_id: id, sequence: 0, is_final: false, payload: { n: 0 } },
        { correlation_id: id, sequence: 1, is_final: false, payload: { n: 1 } },
      ]);
      expect(frames[2].body).toMatchObject({
        correlation_id: id,
        sequence: 2,
        is_final: true,
        error_code: 'HANDLER_ERROR',
        error: 'feed lost',
      });
      await stillServing();
    },
  );

  it('an Observable that throws on subscribe ends its stream with one error frame', async () => {
    client.request({
      correlation_id: 'sub-throws',
      target: 'faulty',
      message_type: 'StreamFault',
      payload: { how: 'subscribe-throws' },
      expects_stream: true,
    });
    expect((await client.next()).body).toMatchObject({
      correlation_id: 'sub-throws',
      sequence: 0,
      is_final: true,
      error_code: 'HANDLER_ERROR',
      error: 'cannot even start',
    });
    await stillServing();
  });

  describe('handlers that never settle (documented: a mutating one holds its actor, as in acton)', () => {
    let app: IpcTestApp;
    let c: RawFrameClient;
    beforeEach(async () => {
      app = await startIpcTestApp([FaultyActor, BystanderActor]);
      c = await app.connect();
    });
    afterEach(async () => {
      // The hung handlers never finish: bound the close (it then ends them with SHUTTING_DOWN).
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      await app.app.close({ timeoutMs: 300 });
      await app.close();
      warn.mockRestore();
    });

    it('the deadline answers TIMEOUT; later messages to that actor wait (they time out too); other actors are served', async () => {
      const hung = ask(c, 'faulty', 'Fault', { how: 'hang' }, 300);
      const queued = ask(c, 'faulty', 'Ping', {}, 600);
      const other = ask(c, 'bystander', 'Ping', {});
      expect((await answerTo(c, other)).body).toMatchObject({ success: true, payload: { pong: true } });
      expect((await answerTo(c, hung)).body).toMatchObject({
        error_code: 'TIMEOUT',
        error: 'Request timed out after 300 ms waiting for response',
      });
      expect((await answerTo(c, queued)).body).toMatchObject({
        error_code: 'TIMEOUT',
        error: 'Request timed out after 600 ms waiting for response',
      });
      expect(app.app.listener!.stats().inFlightRequests).toBe(0); // answered, even though the handler still runs
    });

    it('a handler that honours ctx.signal frees its actor once the deadline aborts it', async () => {
      const hung = ask(c, 'faulty', 'Fault', { how: 'hang-until-aborted' }, 200);
      const next = ask(c, 'faulty', 'Ping', {}, 5000);
      expect((await answerTo(c, hung)).body).toMatchObject({ error_code: 'TIMEOUT' });
      expect((await answerTo(c, next)).body).toMatchObject({ success: true, payload: { pong: true } });
    });

    it('a never-settling readonly handler does not block other readonly handlers of the same actor', async () => {
      const hung = ask(c, 'faulty', 'ReadHang', {}, 300);
      const reads = [1, 2, 3].map(() => ask(c, 'faulty', 'ReadPing', {}));
      for (const id of reads)
        expect((await answerTo(c, id)).body).toMatchObject({ success: true, payload: { pong: 'read' } });
      expect((await answerTo(c, hung)).body).toMatchObject({ error_code: 'TIMEOUT' });
    });
  });
});

describe('startup faults', () => {
  let restore: () => void;
  beforeAll(() => (restore = isolateIpcEnvironment()));
  afterAll(() => restore());

  it('an actor whose onStart fails: bootstrap rejects naming the actor and the cause; no socket file is left', async () => {
    @Actor('warehouse')
    class WarehouseActor implements OnStart {
      async onStart(): Promise<void> {
        throw new Error('database unreachable at db.invalid:5432');
      }
    }
    const socketPath = join(mkdtempSync(join(tmpdir(), 'acton-rel-start-')), 'ipc.sock');
    const logs: string[] = [];
    @Module({
      imports: [IpcModule.forRoot({ socket: { path: socketPath, appName: 'rel' }, logger: recordingLogger(logs) })],
      actors: [FaultyActor, WarehouseActor],
    })
    class FailingModule {}
    await expect(bootstrap(FailingModule)).rejects.toThrow(
      /onStart of actor 'warehouse' \(WarehouseActor\) failed: database unreachable at db\.invalid:5432/,
    );
    expect(existsSync(socketPath)).toBe(false);
  });

  it('in a server process: the failed start is printed, the process exits by itself, no socket file', async () => {
    const socketPath = freshSocketPath();
    const server = await startServer({ socket: { path: socketPath }, failOnStart: true }, { expectFailure: true });
    expect(await server.exited).toBe(3);
    expect(server.output()).toContain(
      "STARTUP FAILED: onStart of actor 'broken' (BrokenActor) failed: database unreachable at db.invalid:5432",
    );
    expect(existsSync(socketPath)).toBe(false);
  }, 30_000);
});
