import { join } from 'node:path';
import { Actor, Message, OnMessage } from 'acton-ts';
import { CalculatorActor } from '../../sample/calculator/calculator.actor';
import { CountdownActor } from '../../sample/countdown/countdown.actor';
import { KvStoreActor } from '../../sample/kv-store/kv-store.actor';
import { OrdersActor } from '../../sample/orders/orders.actor';
import { IpcTestApp, isolateIpcEnvironment, startIpcTestApp } from '../support/ipc-test-app';
import { freshSocketPath, NestProcess, startNestProcess } from './support/nest-process';

const FIXTURE = join(__dirname, 'fixtures', 'nest-client.main.ts');
@Message('LettersRequest')
class LettersRequest {
  word!: string;
}

/** An async-generator handler: discovery reports its kind as `stream`. */
@Actor('letters')
class LettersActor {
  @OnMessage({ ipc: true, readonly: true })
  async *spell(msg: LettersRequest): AsyncGenerator<{ letter: string }> {
    for (const letter of msg.word) yield { letter };
  }
}

const SAMPLE_ACTORS = [CalculatorActor, CountdownActor, KvStoreActor, OrdersActor, LettersActor];

describe('ActonClientProxy: a Nest app (ClientsModule.register) calling the sample actors', () => {
  let restore: () => void;
  let socketPath: string;
  let server: IpcTestApp;
  let nest: NestProcess;

  beforeAll(async () => {
    restore = isolateIpcEnvironment();
    socketPath = freshSocketPath('sample.sock');
    server = await startIpcTestApp(SAMPLE_ACTORS, { socket: { path: socketPath } });
    nest = await startNestProcess(FIXTURE, [socketPath], 'ready');
  }, 150_000);
  afterAll(async () => {
    await nest?.stop();
    await server?.close();
    restore();
  });

  it('send(): one value for a request-response, with the object and the string pattern', async () => {
    await expect(
      nest.command({ op: 'send', pattern: { actor: 'calculator', type: 'AddRequest' }, data: { a: 5, b: 3 } }),
    ).resolves.toMatchObject({ values: [{ sum: 8 }] });
    await expect(
      nest.command({ op: 'send', pattern: 'calculator.AddRequest', data: { a: 1, b: 1 } }),
    ).resolves.toMatchObject({ values: [{ sum: 2 }] });
  });

  it('send(): every item of a stream (kind learned from discovery, or said by the pattern)', async () => {
    const discovered = await nest.command({ op: 'send', pattern: 'letters.LettersRequest', data: { word: 'abc' } });
    expect(discovered.values).toEqual([{ letter: 'a' }, { letter: 'b' }, { letter: 'c' }]);
    const explicit = await nest.command({
      op: 'send',
      pattern: { actor: 'countdown', type: 'CountdownRequest', kind: 'stream' },
      data: { from: 2, delay_ms: 0 },
    });
    expect(explicit.values).toEqual([{ value: 2 }, { value: 1 }]);
  });

  it('emit(): fire-and-forget, acknowledged on delivery; the actor got it', async () => {
    // Like Nest's own transports, emit() yields dispatchEvent's result (undefined) once.
    await expect(
      nest.command({ op: 'emit', pattern: 'kv_store.SetValue', data: { key: 'k', value: 42 } }),
    ).resolves.toMatchObject({ values: [null] });
    await expect(nest.command({ op: 'send', pattern: 'kv_store.GetValue', data: { key: 'k' } })).resolves.toMatchObject(
      { values: [{ value: 42 }] },
    );
  });

  it('errors: the server error_code (or a local TIMEOUT) reaches Nest as RpcException.getError().code', async () => {
    const outOfStock = await nest.command({
      op: 'send',
      pattern: 'orders.PlaceOrder',
      data: { product: 'gizmo', quantity: 1 },
    });
    expect(outOfStock.error).toMatchObject({
      code: 'OUT_OF_STOCK',
      message: expect.stringContaining('Out of stock: gizmo'),
      details: { name: 'ActorError' },
    });
    const invalid = await nest.command({ op: 'send', pattern: 'calculator.AddRequest', data: { a: 'x', b: 1 } });
    expect(invalid.error).toMatchObject({ code: 'SERIALIZATION_ERROR' });
    const missing = await nest.command({ op: 'send', pattern: 'nobody.AddRequest', data: {} });
    expect(missing.error).toMatchObject({ code: 'ACTOR_NOT_FOUND' });
    // Deadlines: the proxy's defaultTimeoutMs (5 s in the fixture) bounds the whole stream.
    const slow = await nest.command({
      op: 'send',
      pattern: { actor: 'countdown', type: 'CountdownRequest', kind: 'stream' },
      data: { from: 3, delay_ms: 30_000 },
    });
    expect(slow.error).toMatchObject({ code: 'TIMEOUT' });
    const badPattern = await nest.command({ op: 'send', pattern: { cmd: 'sum' }, data: {} });
    expect(badPattern.error).toMatchObject({
      code: 'INVALID_PATTERN',
      message: expect.stringContaining("{ actor: 'calculator', type: 'AddRequest' }"),
    });
  }, 60_000);

  it('reconnects after a server restart: CONNECTION_CLOSED while it is down, then calls succeed', async () => {
    await server.close();
    const whileDown = await nest.command({ op: 'send', pattern: 'calculator.AddRequest', data: { a: 1, b: 2 } });
    expect(whileDown.error).toMatchObject({ code: 'CONNECTION_CLOSED' });
    server = await startIpcTestApp(SAMPLE_ACTORS, { socket: { path: socketPath } });
    let answer: any;
    for (let attempt = 0; attempt < 100; attempt++) {
      answer = await nest.command({ op: 'send', pattern: 'calculator.AddRequest', data: { a: 1, b: 2 } });
      if (answer.values) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(answer).toMatchObject({ values: [{ sum: 3 }] });
  }, 60_000);
});
