import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ActonApp, bootstrap, IpcModule, Module } from 'acton-ts';
import { ActonClient } from 'acton-ts/client';
import { ClusterModule } from 'acton-ts/cluster';
import { TracingModule } from 'acton-ts/observability';
import { recordingLogger } from '../support/ipc-test-app';
import { CounterActor, Increment } from './fixtures/cluster-actors';
import { ClusterNodeProcess, startClusterNode } from './support/cluster-node-process';
import { NatsServerProcess, startNatsServer } from './support/nats-server';
import { pollUntil } from './support/poll';

jest.setTimeout(120_000);

/**
 * Issue 17, across nodes: the W3C trace context travels with a remote call, so the owner's SERVER
 * span is a child of the entry node's span (two apps in this process, one exporter for both).
 */
describe('cluster: traces across nodes', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('acton-ts-cluster-test');
  const contextManager = new AsyncLocalStorageContextManager();
  let nats: NatsServerProcess;
  let owner: ActonApp;
  let entry: ActonApp;
  let client: ActonClient;

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    nats = await startNatsServer();
    const cluster = { servers: nats.url, cluster: 'traced', heartbeatMs: 200, nodeTimeoutMs: 1500 };
    @Module({
      imports: [ClusterModule.forRoot({ ...cluster, nodeId: 'owner' }), TracingModule.forRoot({ tracer })],
      actors: [CounterActor],
    })
    class OwnerModule {}
    const socket = join(mkdtempSync(join(tmpdir(), 'acton-traced-')), 'entry.sock');
    @Module({
      imports: [
        IpcModule.forRoot({ socket: { path: socket } }),
        ClusterModule.forRoot({ ...cluster, nodeId: 'entry' }),
        TracingModule.forRoot({ tracer }),
      ],
    })
    class EntryModule {}
    owner = await bootstrap(OwnerModule, { logger: recordingLogger([]) });
    entry = await bootstrap(EntryModule, { logger: recordingLogger([]) });
    client = await ActonClient.connect({ socketPath: socket });
    await pollUntil('entry reaches counter on owner', async () =>
      entry.cluster!.nodes().some((node) => node.actors.some((actor) => actor.name === 'counter' && actor.serving))
        ? true
        : undefined,
    );
  });

  afterAll(async () => {
    await client?.close();
    await entry?.close();
    await owner?.close();
    await nats?.stop();
    await provider.shutdown();
    context.disable();
  });

  beforeEach(() => exporter.reset());

  const spansNamed = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name === name);

  it("makes the owner's SERVER span a child of the entry node's span for an IPC request", async () => {
    const caller = tracer.startSpan('ipc-caller');
    await context.with(trace.setSpan(context.active(), caller), () =>
      client.request('counter', 'Increment', { by: 1 }),
    );
    caller.end();
    const spans = await pollUntil('both nodes ended their span', async () => {
      const found = spansNamed('counter/Increment');
      return found.length === 2 ? found : undefined;
    });
    const atEntry = spans.find((span) => span.parentSpanContext?.spanId === caller.spanContext().spanId);
    const atOwner = spans.find((span) => span !== atEntry);
    expect(atEntry).toBeDefined();
    expect(atEntry!.kind).toBe(SpanKind.SERVER);
    expect(atOwner!.kind).toBe(SpanKind.SERVER);
    expect(atOwner!.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(atOwner!.parentSpanContext?.spanId).toBe(atEntry!.spanContext().spanId);
    expect(atOwner!.parentSpanContext?.isRemote).toBe(true);
    expect(atOwner!.attributes).toMatchObject({ 'rpc.system.name': 'acton', 'rpc.method': 'counter/Increment' });
  });

  it("makes the owner's span a child of the CLIENT span of an in-process app.ask on the entry node", async () => {
    const handler = tracer.startSpan('handler-on-entry');
    await context.with(trace.setSpan(context.active(), handler), () =>
      entry.ask('counter', Object.assign(new Increment(), { by: 2 })),
    );
    handler.end();
    const spans = await pollUntil('both nodes ended their span', async () => {
      const found = spansNamed('counter/Increment');
      return found.length === 2 ? found : undefined;
    });
    const client = spans.find((span) => span.kind === SpanKind.CLIENT);
    const server = spans.find((span) => span.kind === SpanKind.SERVER);
    expect(client!.parentSpanContext?.spanId).toBe(handler.spanContext().spanId);
    expect(server!.parentSpanContext?.spanId).toBe(client!.spanContext().spanId);
    expect(server!.spanContext().traceId).toBe(handler.spanContext().traceId);
  });

  it("marks the entry node's span failed when the owner refuses the payload", async () => {
    await expect(client.request('counter', 'Increment', { by: 'x' })).rejects.toMatchObject({
      code: 'SERIALIZATION_ERROR',
    });
    const [atEntry] = await pollUntil('the entry span ended', async () => {
      const found = spansNamed('counter/Increment');
      return found.length === 1 ? found : undefined;
    });
    expect(atEntry!.attributes['error.type']).toBe('SERIALIZATION_ERROR');
  });
});

describe('cluster: traces across two node processes (smoke)', () => {
  let nats: NatsServerProcess;
  let a: ClusterNodeProcess;
  let b: ClusterNodeProcess;
  let viaB: ActonClient;

  beforeAll(async () => {
    nats = await startNatsServer();
    const dir = mkdtempSync(join(tmpdir(), 'acton-traced-procs-'));
    const common = { natsUrl: nats.url, cluster: 'traced', fixture: 'traced-node.ts' };
    a = await startClusterNode({ ...common, nodeId: 'node-a', socket: join(dir, 'a.sock') });
    b = await startClusterNode({ ...common, nodeId: 'node-b', socket: join(dir, 'b.sock') });
    viaB = await ActonClient.connect({ socketPath: b.socket });
  });

  afterAll(async () => {
    await viaB?.close();
    await a?.stop();
    await b?.stop();
    await nats?.stop();
  });

  it("links node A's SERVER span to node B's span for a request sent through B's socket", async () => {
    expect(a.ownedCounterAtStart).toBe(true);
    await pollUntil('B reaches counter on A', async () => {
      const reply = await viaB.request<{ node: string }>('counter', 'Increment', { by: 1 });
      return reply.node === 'node-a' ? reply : undefined;
    });
    const spansOf = (
      node: ClusterNodeProcess,
    ): { name: string; traceId: string; spanId: string; parentSpanId?: string }[] =>
      [...node.output().matchAll(/^SPAN (.*)$/gm)].map((line) => JSON.parse(line[1]!));
    const linked = await pollUntil('a span on A whose parent is a span on B', async () => {
      const onB = spansOf(b).filter((span) => span.name === 'counter/Increment');
      const onA = spansOf(a).filter((span) => span.name === 'counter/Increment');
      const child = onA.find((span) => onB.some((parent) => parent.spanId === span.parentSpanId));
      return child ? { child, parent: onB.find((span) => span.spanId === child.parentSpanId)! } : undefined;
    });
    expect(linked.child.traceId).toBe(linked.parent.traceId);
  });
});
