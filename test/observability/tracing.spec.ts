import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ActonApp } from 'acton-ts';
import { ActonClient } from 'acton-ts/client';
import { TracingModule } from 'acton-ts/observability';
import { RawFrameClient } from '../support/raw-frame-client';
import { startObservedApp } from './fixtures/observed-app';

describe('TracingModule: OpenTelemetry spans across the socket and in-process asks', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('acton-ts-test');
  const contextManager = new AsyncLocalStorageContextManager();
  let app: ActonApp;
  let client: ActonClient;

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    app = await startObservedApp({}, [TracingModule.forRoot({ tracer })]);
    client = await ActonClient.connect({
      socketPath: app.listener!.socketPath,
    });
  });

  afterAll(async () => {
    await client.close();
    await app.close();
    await provider.shutdown();
    context.disable();
  });

  beforeEach(() => exporter.reset());

  const spanNamed = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name === name);

  it('links TS client → server span → in-process ask child spans in one trace', async () => {
    const caller = tracer.startSpan('caller');
    const reply = await context.with(trace.setSpan(context.active(), caller), () =>
      client.request('chain', 'AddTwice', { a: 2 }),
    );
    caller.end();
    expect(reply).toEqual({ sum: 6 });

    const [server] = spanNamed('chain/AddTwice');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(server.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(server.attributes).toMatchObject({
      'rpc.system.name': 'acton',
      'rpc.method': 'chain/AddTwice',
      'server.address': app.listener!.socketPath,
    });
    expect(server.status.code).not.toBe(SpanStatusCode.ERROR);

    const children = spanNamed('calculator/Add');
    expect(children).toHaveLength(2); // the second ask runs after an await: the context survived it
    for (const child of children) {
      expect(child.kind).toBe(SpanKind.INTERNAL);
      expect(child.spanContext().traceId).toBe(caller.spanContext().traceId);
      expect(child.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    }
  });

  it('gives a request without trace context (acton-reactive clients) a root span; the wire is unchanged', async () => {
    const raw = await RawFrameClient.connect(app.listener!.socketPath);
    try {
      raw.request({
        correlation_id: 'req_1',
        target: 'calculator',
        message_type: 'Add',
        payload: { a: 1, b: 2 },
        expects_reply: true,
      });
      const answer = await raw.next();
      expect(answer.body).toEqual({
        correlation_id: 'req_1',
        success: true,
        payload: { sum: 3 },
      });
    } finally {
      await raw.close();
    }
    const [root] = spanNamed('calculator/Add');
    expect(root.kind).toBe(SpanKind.SERVER);
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.attributes['acton.correlation_id']).toBe('req_1');
  });

  it('continues a W3C trace context sent in the envelope, and ignores a malformed one', async () => {
    const raw = await RawFrameClient.connect(app.listener!.socketPath);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    try {
      raw.request({
        correlation_id: 'a',
        target: 'calculator',
        message_type: 'Add',
        payload: { a: 1, b: 1 },
        expects_reply: true,
        trace_context: { traceparent, tracestate: 'vendor=x' },
      });
      raw.request({
        correlation_id: 'b',
        target: 'calculator',
        message_type: 'Add',
        payload: { a: 1, b: 1 },
        expects_reply: true,
        trace_context: { traceparent: 'not-a-traceparent' },
      });
      expect((await raw.nextFrames(2)).map((frame) => frame.body.success)).toEqual([true, true]);
    } finally {
      await raw.close();
    }
    const [continued, fresh] = ['a', 'b'].map((id) =>
      spanNamed('calculator/Add').find((s) => s.attributes['acton.correlation_id'] === id)!,
    );
    expect(continued.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(continued.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(continued.spanContext().traceState?.get('vendor')).toBe('x');
    expect(fresh.parentSpanContext).toBeUndefined();
  });

  it('marks a failed handler: status ERROR and error.type = the error code', async () => {
    await expect(client.request('calculator', 'Fail', { why: 'gone' })).rejects.toMatchObject({ code: 'OUT_OF_STOCK' });
    const [failed] = spanNamed('calculator/Fail');
    expect(failed.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'gone',
    });
    expect(failed.attributes['error.type']).toBe('OUT_OF_STOCK');
  });

  it('continues the Python client trace when opentelemetry-api is importable there (else a root span)', async () => {
    const script = [
      'import json, sys',
      'from acton_client import ActonClient',
      'from acton_client.trace_context import opentelemetry_available',
      'client = ActonClient(socket_path=sys.argv[1])',
      'if opentelemetry_available():',
      '    from opentelemetry import context, trace',
      '    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags',
      '    sc = SpanContext(trace_id=0x0af7651916cd43dd8448eb211c80319c, span_id=0xb7ad6b7169203331,',
      '                     is_remote=False, trace_flags=TraceFlags(1))',
      '    context.attach(trace.set_span_in_context(NonRecordingSpan(sc)))',
      'reply = client.request("calculator", "Add", {"a": 20, "b": 22})',
      'client.close()',
      'print(json.dumps({"reply": reply, "otel": opentelemetry_available()}))',
    ].join('\n');
    const cwd = resolve(__dirname, '..', '..', 'clients', 'python');
    const { stdout } = await promisify(execFile)('python3', ['-c', script, app.listener!.socketPath], {
      cwd,
      timeout: 20_000,
    });
    const result = JSON.parse(stdout.trim()) as {
      reply: unknown;
      otel: boolean;
    };
    expect(result.reply).toEqual({ sum: 42 });
    const [span] = spanNamed('calculator/Add');
    expect(span.kind).toBe(SpanKind.SERVER);
    if (result.otel) {
      expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    } else {
      expect(span.parentSpanContext).toBeUndefined();
    }
  });
});
