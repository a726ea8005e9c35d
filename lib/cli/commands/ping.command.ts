import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { withClient } from '../client-session';
import { CliIo } from '../cli-io';
import { ActonClient } from '../../client/acton-client';
import type { Readiness } from '../../observability/readiness';
import { CliFailure } from '../cli-failure';
import { ExitCode } from '../exit-code';
import { parseCount, parseMilliseconds } from '../global-options';
import { SYSTEM_ACTOR } from './stats.command';

/** `acton ping [--count N] [--interval ms]`: heartbeat round trips, one line each, then a summary. */
export function registerPingCommand(program: Command, io: CliIo): void {
  program
    .command('ping')
    .description('measure heartbeat round trips to the server')
    .option('-c, --count <n>', 'number of heartbeats', parseCount, 1)
    .option('-i, --interval <ms>', 'pause between heartbeats', parseMilliseconds, 1_000)
    .option('--ready', "after the heartbeats, ask the app's $acton actor whether it is ready (exit 1 if not)")
    .action(async (options: { count: number; interval: number; ready?: boolean }, command: Command) => {
      await withClient(command, options.ready ? { target: SYSTEM_ACTOR, type: 'ReadyRequest' } : {}, async (client) => {
        const times: number[] = [];
        for (let seq = 1; seq <= options.count; seq++) {
          if (seq > 1) await sleep(options.interval);
          const rtt = await client.heartbeat();
          times.push(rtt);
          io.out(`heartbeat from ${client.socketPath}: seq=${seq} time=${rtt.toFixed(3)} ms`);
        }
        if (times.length > 1) {
          const average = times.reduce((sum, time) => sum + time, 0) / times.length;
          io.out(
            `${times.length} heartbeats, round trip min/avg/max = ${Math.min(...times).toFixed(3)}/${average.toFixed(3)}/${Math.max(...times).toFixed(3)} ms`,
          );
        }
        if (options.ready) await reportReadiness(client, io);
      });
    });
}

/** `--ready`: prints each readiness check; not ready is exit 1 naming the failed checks. */
async function reportReadiness(client: ActonClient, io: CliIo): Promise<void> {
  const readiness = (await client.request(SYSTEM_ACTOR, 'ReadyRequest', {})) as Readiness;
  for (const check of readiness.checks)
    io.out(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}${check.detail ? `: ${check.detail}` : ''}`);
  if (!readiness.ready) {
    const failed = readiness.checks.filter((check) => !check.ok).map((check) => check.name);
    throw new CliFailure(ExitCode.REQUEST_ERROR, `not ready: ${failed.join(', ')}`);
  }
  io.out('ready');
}
