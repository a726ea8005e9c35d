import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError } from 'commander';
import type { AppStats } from '../../observability/app-stats';
import { withClient } from '../client-session';
import { CliIo } from '../cli-io';
import { parseCount, parseMilliseconds } from '../global-options';
import { renderTopScreen, TOP_SORT_KEYS, TopSort } from '../top-screen';
import { SYSTEM_ACTOR } from './stats.command';

/** Clears a terminal and puts the cursor home. */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';
/** Header and footer lines around the table. */
const SCREEN_CHROME = 6;

/**
 * `acton top`: a live view of a running app over its own socket (its `$acton` actor): actors
 * with mailbox depth, messages/s, errors/s, p50/p99 handler time; connections and
 * subscriptions. Refreshes every `--interval` ms; keys r/e/m/p/n sort, q quits.
 */
export function registerTopCommand(program: Command, io: CliIo): void {
  program
    .command('top')
    .description("live view of a running app's actors (mailbox, msgs/s, errors/s, p50/p99), refreshed every second")
    .option('-i, --interval <ms>', 'refresh period', parseMilliseconds, 1_000)
    .option('-n, --iterations <n>', 'stop after n screens (default: until q or Ctrl-C)', parseCount)
    .option('--sort <column>', `initial sort: ${Object.values(TOP_SORT_KEYS).join(', ')}`, parseSort, 'rate')
    .addHelpText('after', '\nThe app must import MetricsModule.forRoot() from acton-ts/observability (it adds $acton).')
    .action(async (options: { interval: number; iterations?: number; sort: TopSort }, command: Command) => {
      await withClient(command, { target: SYSTEM_ACTOR, type: 'StatsRequest' }, async (client) => {
        let sort = options.sort;
        let stopped = false;
        let wake: (() => void) | undefined;
        const stop = (): void => {
          stopped = true;
          wake?.();
        };
        const stopKeys = watchKeys((key) => {
          if (key === 'q' || key === '\u0003') return stop();
          const chosen = TOP_SORT_KEYS[key as keyof typeof TOP_SORT_KEYS];
          if (chosen) {
            sort = chosen;
            wake?.();
          }
        });
        const stopInterrupt = io.onInterrupt(stop);
        try {
          let previous: AppStats | undefined;
          let current = (await client.request(SYSTEM_ACTOR, 'StatsRequest', {})) as AppStats;
          for (let screen = 1; !stopped; screen++) {
            const rows = Math.max(5, (process.stdout.rows ?? 40) - SCREEN_CHROME);
            const lines = renderTopScreen(current, previous, {
              socketPath: client.socketPath,
              sort,
              maxRows: rows,
            });
            io.out(`${process.stdout.isTTY ? CLEAR_SCREEN : ''}${lines.join('\n')}`);
            if (options.iterations !== undefined && screen >= options.iterations) break;
            await Promise.race([sleep(options.interval), new Promise<void>((resolve) => (wake = resolve))]);
            wake = undefined;
            if (stopped) break;
            const next = (await client.request(SYSTEM_ACTOR, 'StatsRequest', {})) as AppStats;
            // A key press redraws at once; rates stay computed over whole intervals.
            if (next.takenAt - current.takenAt >= options.interval * 0.5) {
              previous = current;
              current = next;
            }
          }
        } finally {
          stopKeys();
          stopInterrupt();
        }
      });
    });
}

function parseSort(value: string): TopSort {
  const sorts = Object.values(TOP_SORT_KEYS) as string[];
  if (!sorts.includes(value)) throw new InvalidArgumentError(`expected one of ${sorts.join(', ')} (got ${value})`);
  return value as TopSort;
}

/** Reads single key presses from a terminal stdin (raw mode); does nothing when stdin is not a TTY. */
function watchKeys(onKey: (key: string) => void): () => void {
  const stdin = process.stdin;
  if (!stdin.isTTY) return () => undefined;
  const onData = (chunk: Buffer): void => {
    for (const key of chunk.toString('utf8')) onKey(key);
  };
  stdin.setRawMode(true);
  stdin.resume();
  stdin.on('data', onData);
  return () => {
    stdin.off('data', onData);
    stdin.setRawMode(false);
    stdin.pause();
  };
}
