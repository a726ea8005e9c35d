import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { withClient } from '../client-session';
import { CliIo } from '../cli-io';
import { parseCount, parseMilliseconds } from '../global-options';

/** `acton ping [--count N] [--interval ms]`: heartbeat round trips, one line each, then a summary. */
export function registerPingCommand(program: Command, io: CliIo): void {
  program
    .command('ping')
    .description('measure heartbeat round trips to the server')
    .option('-c, --count <n>', 'number of heartbeats', parseCount, 1)
    .option('-i, --interval <ms>', 'pause between heartbeats', parseMilliseconds, 1_000)
    .action(async (options: { count: number; interval: number }, command: Command) => {
      await withClient(command, {}, async (client) => {
        const times: number[] = [];
        for (let seq = 1; seq <= options.count; seq++) {
          if (seq > 1) await sleep(options.interval);
          const rtt = await client.heartbeat();
          times.push(rtt);
          io.out(`heartbeat from ${client.socketPath}: seq=${seq} time=${rtt.toFixed(3)} ms`);
        }
        if (times.length > 1) {
          const average = times.reduce((sum, time) => sum + time, 0) / times.length;
          io.out(`${times.length} heartbeats, round trip min/avg/max = ${Math.min(...times).toFixed(3)}/${average.toFixed(3)}/${Math.max(...times).toFixed(3)} ms`);
        }
      });
    });
}
