/**
 * The acton-ts bench server: `BenchServerModule` (the sample's actors + W4's broadcaster) with
 * IpcModule on `ACTON_IPC_SOCKET`. Started by `bench/run.ts` (it needs the fork IPC channel);
 * the parent sets `LIST_ITEM_COUNT` (W3) and a `PRICE_INTERVAL_MS` long enough that the
 * sample's price feed never ticks during the run, and `BENCH_OBSERVE` for the observability
 * overhead runs (see `observed-bench-server.module.ts`), whose probe the parent switches with
 * the `observe` task.
 */
import 'reflect-metadata';
import { bootstrap, ConsoleLogger, ModuleImport } from 'acton-ts';
import { BenchServerModule } from './acton/bench-server.module';
import { serveParent, tellParent } from './child/child-messages';

/** `observedBenchModule` of `./acton/observed-bench-server.module`, required only when used. */
type Observed = (variant: string) => ModuleImport;

/**
 * The module served: OpenTelemetry, prom-client and the observability modules are loaded only
 * for an observability variant, as an app that does not use them never loads them (loading them
 * always cost the bench server ≈ 1.5 MB of live heap, of 20 MB under W2, that the baseline does not pay).
 */
function benchModule(observe: string | undefined): ModuleImport {
  if (observe === undefined || observe === 'off') return BenchServerModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const observed = require('./acton/observed-bench-server.module') as { observedBenchModule: Observed };
  return observed.observedBenchModule(observe);
}

async function main(): Promise<void> {
  const app = await bootstrap(benchModule(process.env.BENCH_OBSERVE), { logger: new ConsoleLogger('warn') });
  // Same-process A/B rounds of the observability overhead bench: `observe {on}` switches the
  // probe the variant installed off and on again (the runtime then takes its probe-free path).
  const installed = app.instrumentation.probe;
  serveParent(async (task, params) => {
    if (task !== 'observe') throw new Error(`the acton-ts bench server runs only 'observe' (asked for '${task}')`);
    app.instrumentation.probe = (params as { on: boolean }).on ? installed : undefined;
    return { probe: app.instrumentation.probe !== undefined };
  });
  process.once('SIGTERM', () => {
    app.close().finally(() => process.exit(0));
  });
  tellParent({ kind: 'ready', detail: app.listener?.socketPath });
}

main().catch((err: unknown) => {
  tellParent({ kind: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
