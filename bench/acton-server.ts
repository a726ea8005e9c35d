/**
 * The acton-ts bench server: `BenchServerModule` (the sample's actors + W4's broadcaster) with
 * IpcModule on `ACTON_IPC_SOCKET`. Started by `bench/run.ts` (it needs the fork IPC channel);
 * the parent sets `LIST_ITEM_COUNT` (W3) and a `PRICE_INTERVAL_MS` long enough that the
 * sample's price feed never ticks during the run, and `BENCH_OBSERVE` for the observability
 * overhead runs (see `observed-bench-server.module.ts`), whose probe the parent switches with
 * the `observe` task.
 */
import 'reflect-metadata';
import { bootstrap, ConsoleLogger } from 'acton-ts';
import { observedBenchModule } from './acton/observed-bench-server.module';
import { serveParent, tellParent } from './child/child-messages';

async function main(): Promise<void> {
  const app = await bootstrap(observedBenchModule(process.env.BENCH_OBSERVE), { logger: new ConsoleLogger('warn') });
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
