import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Module, ModuleImport } from 'acton-ts';
import { MetricsModule, TracingModule } from 'acton-ts/observability';
import { BenchServerModule } from './bench-server.module';

/**
 * The server configurations the observability overhead bench compares (`BENCH_OBSERVE`). Each
 * server also runs with its probe switched off, so `off` (no probe to switch) is the A/A test.
 */
export const OBSERVE_VARIANTS = ['off', 'metrics', 'tracing-noop', 'tracing-batch'] as const;
/** One of `OBSERVE_VARIANTS`. */
export type ObserveVariant = (typeof OBSERVE_VARIANTS)[number];

/** Takes batches and drops them: the SDK's whole recording and batching cost, no I/O. */
class DroppingExporter implements SpanExporter {
  exported = 0;

  export(spans: ReadableSpan[], resultCallback: (result: { code: number }) => void): void {
    this.exported += spans.length;
    resultCallback({ code: 0 });
  }

  async shutdown(): Promise<void> {}
}

/**
 * `BenchServerModule` as is (`off`, or unset), with `MetricsModule` (`metrics`: figures
 * recorded, no HTTP endpoint, nobody scrapes), with `TracingModule` and no tracer provider
 * (`tracing-noop`: the API's no-op tracer), or with an SDK provider batching every span into an
 * exporter that drops them, under an AsyncLocalStorage context manager (`tracing-batch`).
 * @throws Error naming the variants for an unknown value
 */
export function observedBenchModule(variant: string | undefined): ModuleImport {
  if (variant === undefined || variant === 'off') return BenchServerModule;
  if (!(OBSERVE_VARIANTS as readonly string[]).includes(variant)) {
    throw new Error(`BENCH_OBSERVE=${variant} is not one of ${OBSERVE_VARIANTS.join(', ')}`);
  }
  if (variant === 'tracing-batch') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(new DroppingExporter())],
      }),
    );
  }
  const observability = variant === 'metrics' ? MetricsModule.forRoot({ systemActor: false }) : TracingModule.forRoot();
  @Module({ imports: [BenchServerModule, observability] })
  class ObservedBenchServerModule {}
  return ObservedBenchServerModule;
}
