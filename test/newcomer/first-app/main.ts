import 'reflect-metadata';
import { bootstrap } from 'acton-ts';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  const app = await bootstrap(AppModule, { shutdownSignals: true }); // Ctrl-C drains, then stops
  console.log(`inventory listening on ${app.listener?.socketPath}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
