import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Actor, ActonApp, Message, Module, OnMessage } from 'acton-ts';
import { TracingModule } from 'acton-ts/observability';
import { RawFrameClient } from '../support/raw-frame-client';
import { startObservedApp } from './fixtures/observed-app';

@Message('ActiveTrace')
class ActiveTrace {}

/** Answers the trace id of the span active while its handler runs (null: none). */
@Actor('trace_watch')
class TraceWatch {
  @OnMessage({ ipc: true, type: ActiveTrace })
  activeTrace(): { traceId: string | null } {
    return { traceId: trace.getActiveSpan()?.spanContext().traceId ?? null };
  }
}

@Module({ actors: [TraceWatch] })
class TraceWatchModule {}

/** Sends one `ActiveTrace` request (with `traceContext` as its envelope `trace_context`, if given). */
function askActiveTrace(raw: RawFrameClient, correlationId: string, traceContext?: object): void {
  raw.request({
    correlation_id: correlationId,
    target: 'trace_watch',
    message_type: 'ActiveTrace',
    payload: {},
    expects_reply: true,
    ...(traceContext ? { trace_context: traceContext } : undefined),
  });
}

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('TracingModule with no tracer provider registered (the API no-op tracer), and a context manager', () => {
  let app: ActonApp;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    app = await startObservedApp({}, [TraceWatchModule, TracingModule.forRoot()]);
  });

  afterAll(async () => {
    await app.close();
    context.disable();
    trace.disable();
  });

  it('still hands an incoming trace context to the handler, and leaves a request without one untraced', async () => {
    const raw = await RawFrameClient.connect(app.listener!.socketPath);
    try {
      askActiveTrace(raw, 'carried', { traceparent: TRACEPARENT });
      askActiveTrace(raw, 'none');
      const answers = await raw.nextFrames(2);
      expect(answers.map((frame) => [frame.body.correlation_id, frame.body.payload])).toEqual([
        ['carried', { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }],
        ['none', { traceId: null }],
      ]);
    } finally {
      await raw.close();
    }
  });

  it('records spans once a tracer provider is registered while the app runs (the no-op check is not sticky)', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const raw = await RawFrameClient.connect(app.listener!.socketPath);
    try {
      askActiveTrace(raw, 'before');
      expect((await raw.nextFrames(1))[0].body.payload).toEqual({ traceId: null });
      trace.setGlobalTracerProvider(provider);
      askActiveTrace(raw, 'after');
      const [answer] = await raw.nextFrames(1);
      const traceId = (answer.body.payload as { traceId: string | null }).traceId;
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(exporter.getFinishedSpans().map((span) => [span.name, span.spanContext().traceId])).toEqual([
        ['trace_watch/ActiveTrace', traceId],
      ]);
    } finally {
      await raw.close();
      await provider.shutdown();
    }
  });
});
