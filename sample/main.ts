import 'reflect-metadata';
import { bootstrap } from 'acton-ts';
import { AppModule } from './app.module';

/** How often listener stats are printed: `STATS_INTERVAL_MS` (default 60 s, the seed's monitoring loop). */
const STATS_INTERVAL_MS = Number(process.env.STATS_INTERVAL_MS ?? 60_000);

/** The CLI as it runs from a clone of this repository (in a project that installed acton-ts: `npx acton`). */
const CLI = 'npx ts-node -r tsconfig-paths/register --transpile-only lib/cli/main.ts';

async function main(): Promise<void> {
  const app = await bootstrap(AppModule, { shutdownSignals: true });
  const listener = app.listener;
  if (!listener) throw new Error('The sample needs IpcModule in AppModule.imports');

  const socket = listener.socketPath;
  console.log(`acton-ts sample listening on ${socket}`);
  console.log('Services: calculator, kv_store, list_service, countdown, price_feed, orders');
  console.log('Try the clients (in another terminal):');
  console.log(`  ACTON_IPC_SOCKET=${socket} python3 sample/clients/demo.py`);
  console.log(
    `  ACTON_IPC_SOCKET=${socket} npx ts-node -r tsconfig-paths/register --transpile-only sample/clients/demo.ts`,
  );
  console.log(`  ${CLI} --socket ${socket} call calculator AddRequest '{"a":5,"b":3}'`);
  const cluster = app.cluster;
  if (cluster)
    console.log(
      `Cluster node ${cluster.nodeId} (pid ${process.pid}) in cluster '${cluster.settings.cluster}'; serving here: ${
        cluster
          .nodes()[0]!
          .actors.filter((a) => a.serving)
          .map((a) => a.name)
          .join(', ') || 'none (standby)'
      }`,
    );
  console.log(`  ${CLI} --socket ${socket} top`);
  const metricsUrl = app.extension('metrics')?.url;
  if (metricsUrl) console.log(`Prometheus metrics: ${metricsUrl}/metrics`);
  console.log('Press Ctrl-C to drain and stop.');

  const printStats = (): void => {
    console.log('stats', JSON.stringify(listener.stats()));
    if (cluster) console.log('cluster stats', JSON.stringify(cluster.stats()));
  };
  const monitor = setInterval(printStats, STATS_INTERVAL_MS);
  monitor.unref(); // the process exits once the app has closed (Ctrl-C / SIGTERM)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
