import { ActonApp, ActorError, bootstrap, Module } from 'acton-ts';
import { IpcConfigOverrides } from '../../../lib/ipc/config/ipc-config';
import { resolveIpcConfig } from '../../../lib/ipc/config/resolve-ipc-config';
import { HEARTBEAT_FRAME } from '../../../lib/ipc/protocol/frame-encoder';
import { MessageType, ReservedCorrelationId } from '../../../lib/ipc/protocol/wire-types';
import { Discovery } from '../../../lib/ipc/server/discovery';
import { ExposedActors } from '../../../lib/ipc/server/exposed-actors';
import { InFlightRequests } from '../../../lib/ipc/server/in-flight-requests';
import { RequestCounters } from '../../../lib/ipc/server/listener-stats';
import { PipelineServices, RequestPipeline } from '../../../lib/ipc/server/request-pipeline';
import { SecurityPolicy } from '../../../lib/ipc/security/security-policy';
import { RequestRouter } from '../../../lib/ipc/server/request-router';
import { SubscriptionManager } from '../../../lib/ipc/server/subscription-manager';
import { TEST_ACTORS } from '../../integration/fixtures/test-actors';
import { isolateIpcEnvironment, recordingLogger } from '../../support/ipc-test-app';
import { MemoryTransport } from '../../support/memory-transport';

/**
 * The request pipeline without a socket: real actors, registry, router and subscription
 * manager; an in-memory transport in place of the framed socket.
 */
interface Harness {
  readonly pipeline: RequestPipeline;
  readonly transport: MemoryTransport;
  readonly services: PipelineServices;
  readonly logs: string[];
}

let app: ActonApp;
let restoreEnv: () => void;
const exposed = new ExposedActors();

beforeAll(async () => {
  restoreEnv = isolateIpcEnvironment();
  @Module({ actors: TEST_ACTORS })
  class PipelineTestModule {}
  app = await bootstrap(PipelineTestModule);
  for (const entry of app.actors()) if (entry.expose) exposed.expose(entry.name, entry.ref);
});

afterAll(async () => {
  await app.close();
  restoreEnv();
});

function harness(overrides: IpcConfigOverrides = {}, policy?: SecurityPolicy): Harness {
  const logs: string[] = [];
  const logger = recordingLogger(logs);
  const config = resolveIpcConfig(
    {
      socket: { appName: 'pipeline-test', path: '/tmp/pipeline-test-unused.sock' },
      rateLimit: { enabled: false },
      ...overrides,
    },
    process.env,
    { logger },
  );
  const services: PipelineServices = {
    config,
    logger,
    router: new RequestRouter(exposed, app.registry),
    subscriptions: new SubscriptionManager(logger),
    discovery: new Discovery(exposed, app.registry),
    counters: new RequestCounters(),
    inFlight: new InFlightRequests(),
    policy,
  };
  const transport = new MemoryTransport();
  const pipeline = new RequestPipeline(transport, services);
  transport.attach(pipeline);
  return { pipeline, transport, services, logs };
}

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const add = (id: string, a = 1, b = 2) => ({
  correlation_id: id,
  target: 'calculator',
  message_type: 'Add',
  payload: { a, b },
  expects_reply: true,
});
const sleep = (id: string, ms: number) => ({
  correlation_id: id,
  target: 'sleeper',
  message_type: 'Sleep',
  payload: { ms },
  expects_reply: true,
});

describe('RequestPipeline (docs/protocol.md §3.1, §3.5, §5.1, §5.3, §5.5) without a socket', () => {
  it('answers a request through its transport and counts it; nothing stays in flight', async () => {
    const { transport, services } = harness();
    transport.request(add('a1', 2, 3));
    await until(() => transport.answersTo('a1').length === 1, 'the answer');
    expect(transport.sent[0]).toMatchObject({
      type: MessageType.RESPONSE,
      body: { success: true, payload: { sum: 5 } },
    });
    expect(services.counters).toMatchObject({ messagesReceived: 1, messagesProcessed: 1, errors: 0 });
    expect(services.inFlight.count).toBe(0);
  });

  it('handles frames as they arrive (§0 D2): a quick request overtakes a slow one', async () => {
    const { transport } = harness();
    transport.request(sleep('slow', 150));
    transport.request(add('quick'));
    await until(() => transport.sent.length === 2, 'both answers');
    expect(transport.sent.map((frame) => frame.body.correlation_id)).toEqual(['quick', 'slow']);
  });

  it('in serial mode handles the next frame only after the previous one is answered, heartbeats too', async () => {
    const { transport } = harness({ compat: { serial: true } });
    transport.request(sleep('slow', 100));
    transport.receiveBytes(HEARTBEAT_FRAME);
    transport.request(add('quick'));
    expect(transport.sent).toHaveLength(0);
    await until(() => transport.sent.length === 3, 'three answers');
    expect(transport.sent.map((frame) => frame.type)).toEqual([
      MessageType.RESPONSE,
      MessageType.HEARTBEAT,
      MessageType.RESPONSE,
    ]);
    expect(transport.sent.map((frame) => frame.body?.correlation_id)).toEqual(['slow', undefined, 'quick']);
  });

  it('in serial mode stops reading while 256 frames wait, and reads again once they are handled', async () => {
    const { transport } = harness({ compat: { serial: true } });
    transport.request(sleep('slow', 100));
    for (let i = 0; i < 256; i++) transport.receiveBytes(HEARTBEAT_FRAME);
    expect(transport.paused).toBe(true);
    await until(() => transport.sent.length === 257, 'every answer');
    expect(transport.paused).toBe(false);
  });

  it('rate limits past the burst (§5.1, D4): RATE_LIMITED with retry_after_ms, never in flight', async () => {
    const { transport, services } = harness({ rateLimit: { enabled: true, requestsPerSecond: 1, burstSize: 2 } });
    for (const id of ['r1', 'r2', 'r3']) transport.request(add(id));
    await until(() => transport.sent.length === 3, 'three answers');
    const [limited] = transport.answersTo('r3');
    expect(limited.type).toBe(MessageType.ERROR);
    expect(limited.body).toMatchObject({ success: false, error_code: 'RATE_LIMITED' });
    expect(limited.body.retry_after_ms).toBeGreaterThan(0);
    expect(services.counters).toMatchObject({ messagesReceived: 3, messagesProcessed: 2, rateLimited: 1, errors: 0 });
  });

  it('answers SHUTTING_DOWN once draining (§5.5), before the rate limiter and without enqueueing', () => {
    const { transport, services } = harness({ rateLimit: { enabled: true, requestsPerSecond: 1, burstSize: 1 } });
    services.inFlight.startDraining();
    transport.request(add('d1'));
    transport.request(add('d2'));
    expect(transport.sent.map((frame) => frame.body.error_code)).toEqual(['SHUTTING_DOWN', 'SHUTTING_DOWN']);
    expect(services.counters).toMatchObject({ shutdownRejections: 2, rateLimited: 0, messagesProcessed: 0 });
  });

  it('keeps a request in flight until its final frame, then drained() resolves and the idle clock restarts', async () => {
    const { transport, services } = harness();
    transport.request(sleep('s1', 80));
    expect(services.inFlight.count).toBe(1);
    const restartsBefore = transport.readTimerRestarts;
    await services.inFlight.drained();
    expect(transport.answersTo('s1')).toHaveLength(1);
    expect(services.inFlight.count).toBe(0);
    expect(transport.readTimerRestarts).toBe(restartsBefore + 1);
  });

  it('does not close for idleness while answering (§5.3); closes when idle and counts an error', async () => {
    const { pipeline, transport, services } = harness();
    transport.request(sleep('s1', 80));
    pipeline.readTimedOut(50);
    expect(transport.closeCalls).toEqual([]);
    await until(() => transport.answersTo('s1').length === 1, 'the answer');
    pipeline.readTimedOut(50);
    expect(transport.closeCalls).toEqual([true]);
    expect(services.counters.errors).toBe(1);
  });

  it('after EOF still answers what was accepted, then closes', async () => {
    const { pipeline, transport } = harness();
    transport.request(sleep('s1', 80));
    pipeline.peerEnded();
    expect(transport.closeCalls).toEqual([]);
    await until(() => transport.closeCalls.length === 1, 'the close');
    expect(transport.answersTo('s1')).toHaveLength(1);
  });

  it('on a framing error sends one error frame and closes after the answers already owed (§1.6, D3)', async () => {
    const { pipeline, transport, services } = harness();
    transport.request(sleep('s1', 80));
    pipeline.framingError({ code: 'PROTOCOL_ERROR', message: 'Invalid message type 0x0a' });
    const [errorFrame] = transport.sent;
    expect(errorFrame.body).toMatchObject({
      correlation_id: ReservedCorrelationId.PROTOCOL_ERROR,
      error_code: 'PROTOCOL_ERROR',
    });
    expect(transport.closeCalls).toEqual([]);
    await until(() => transport.closeCalls.length === 1, 'the close');
    expect(transport.answersTo('s1')).toHaveLength(1);
    expect(services.counters.errors).toBe(1);
  });

  it('on disconnect cancels its calls: nothing stays in flight and nothing more is sent', async () => {
    const { transport, services } = harness();
    transport.request({
      correlation_id: 'st',
      target: 'streamer',
      message_type: 'Stall',
      payload: {},
      expects_stream: true,
    });
    await until(() => transport.answersTo('st').length === 1, 'the first stream item');
    expect(services.inFlight.count).toBe(1);
    transport.disconnect();
    expect(services.inFlight.count).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(transport.answersTo('st')).toHaveLength(1);
  });

  it('runs the authorization step before the actor lookup and answers its refusal', () => {
    const onlyCalculator: SecurityPolicy = {
      admit: () => 'test',
      authorize: (context, operation) =>
        operation.kind !== 'request' || operation.envelope.target === 'calculator'
          ? true
          : new ActorError('ACCESS_DENIED', `${context.connectionId} may not call ${operation.envelope.target}`),
    };
    const { transport, services } = harness({}, onlyCalculator);
    transport.request(sleep('s1', 10));
    transport.request({ ...sleep('s2', 10), target: 'no-such-actor' });
    expect(transport.sent.map((frame) => frame.body)).toEqual([
      expect.objectContaining({
        correlation_id: 's1',
        error_code: 'ACCESS_DENIED',
        error: 'memory-1 may not call sleeper',
      }),
      expect.objectContaining({ correlation_id: 's2', error_code: 'ACCESS_DENIED' }),
    ]);
    expect(services.counters).toMatchObject({ accessDenied: 2, errors: 0, messagesProcessed: 0 });
    expect(services.inFlight.count).toBe(0);
  });

  it('switches to the subscription read timeout while subscribed (§5.3) and back after unsubscribing', () => {
    const { transport, services } = harness({ timeouts: { readTimeoutMs: 5000, subscriptionReadTimeoutMs: 0 } });
    expect(transport.readTimeoutMs).toBe(5000);
    transport.receive(MessageType.SUBSCRIBE, { correlation_id: 'sub-1', message_types: ['PriceUpdate'] });
    expect(transport.readTimeoutMs).toBe(0);
    expect(transport.sent[0].body).toEqual({
      correlation_id: 'sub-1',
      success: true,
      subscribed_types: ['PriceUpdate'],
    });
    transport.receive(MessageType.UNSUBSCRIBE, { correlation_id: 'unsub-1', message_types: [] });
    expect(transport.readTimeoutMs).toBe(5000);
    expect(services.subscriptions.counts()).toMatchObject({ subscriptionsProcessed: 2, activeSubscriptions: 0 });
  });

  it('ignores Response, Error, Push and Stream frames sent by a client (§1.6), counting nothing', () => {
    const { transport, services } = harness();
    for (const type of [MessageType.RESPONSE, MessageType.ERROR, MessageType.PUSH, MessageType.STREAM]) {
      transport.receive(type, { correlation_id: 'x', success: true });
    }
    expect(transport.sent).toEqual([]);
    expect(services.counters).toMatchObject({ messagesReceived: 0, errors: 0 });
  });
});
