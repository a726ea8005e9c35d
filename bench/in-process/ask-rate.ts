import type { ActonApp } from '../../lib/index';

/**
 * `app.ask(target, message)` calls per second over `durationMs`, keeping `batch` asks in flight
 * (one `Promise.all` batch at a time), after `warmupBatches` unmeasured batches.
 */
export async function askRate(
  app: ActonApp,
  target: string,
  message: object,
  options: { readonly durationMs: number; readonly batch: number; readonly warmupBatches?: number },
): Promise<number> {
  const send = (): Promise<unknown> => app.ask(target, message);
  for (let i = 0; i < (options.warmupBatches ?? 0); i++) await Promise.all(Array.from({ length: options.batch }, send));
  let asks = 0;
  const started = process.hrtime.bigint();
  const until = Date.now() + options.durationMs;
  while (Date.now() < until) {
    await Promise.all(Array.from({ length: options.batch }, send));
    asks += options.batch;
  }
  return asks / (Number(process.hrtime.bigint() - started) / 1e9);
}
