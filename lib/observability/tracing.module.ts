import type { Tracer } from '@opentelemetry/api';
import { Module } from '../core/decorators/injector.decorators';
import { DynamicModule } from '../core/metadata/module-metadata';
import type { ActonApp } from '../core/runtime/acton-app';
import { AppExtension } from '../core/runtime/app-extension';
import { requireOptional } from '../core/runtime/optional-dependency';
import { TracingProbe } from './tracing-probe';

/** Options of `TracingModule.forRoot()`. */
export interface TracingModuleOptions {
  /** The tracer to start spans with; default `trace.getTracer(tracerName)` of the global provider. */
  readonly tracer?: Tracer;
  /** Instrumentation scope name of the default tracer; default `acton-ts`. */
  readonly tracerName?: string;
}

/**
 * The tracing extension of one app (`app.extension('tracing')`): loads `@opentelemetry/api`
 * (an optional peer, only here) and installs a `TracingProbe` on the app's instrumentation port.
 * No SDK is bundled: spans go wherever the app's registered tracer provider sends them (with
 * none registered, the API's no-op tracer makes them free).
 */
export class TracingExtension implements AppExtension {
  readonly kind = 'tracing';
  private uninstall?: () => void;

  constructor(private readonly options: TracingModuleOptions = {}) {}

  /** AppExtension: installs the probe. */
  async start(app: ActonApp): Promise<void> {
    const api = requireOptional<typeof import('@opentelemetry/api')>('@opentelemetry/api', 'TracingModule');
    const tracer = this.options.tracer ?? api.trace.getTracer(this.options.tracerName ?? 'acton-ts');
    let socketPath: string | undefined;
    const serverAddress = (): string | undefined => {
      try {
        socketPath ??= app.extension<{ socketPath: string }>('ipc')?.socketPath;
      } catch {
        // the listener has not resolved its path yet
      }
      return socketPath;
    };
    const probe = new TracingProbe(api, tracer, serverAddress);
    const removeProbe = app.instrumentation.add(probe);
    const removeOutbound = app.instrumentation.addOutbound(probe);
    this.uninstall = () => {
      removeProbe();
      removeOutbound();
    };
  }

  /** AppExtension: spans of draining requests are still recorded. */
  async drain(): Promise<void> {}

  /** AppExtension: removes the probe. */
  async stop(): Promise<void> {
    this.uninstall?.();
    this.uninstall = undefined;
  }
}

/**
 * OpenTelemetry traces for an app (needs the optional package `@opentelemetry/api`): one span
 * per message an actor handles, SERVER spans for IPC calls continuing the caller's W3C trace
 * context, INTERNAL child spans for in-process calls. Register a tracer provider (and, for
 * child spans across `await`, an async context manager) in your app as usual.
 *
 * @example
 * @Module({ imports: [IpcModule.forRoot(), TracingModule.forRoot()], actors: [Calculator] })
 * export class AppModule {}
 */
@Module({})
export class TracingModule {
  /** The module with a tracing extension configured by `options`. */
  static forRoot(options: TracingModuleOptions = {}): DynamicModule {
    return {
      module: TracingModule,
      extensions: [() => new TracingExtension(options)],
    };
  }
}
