import { Command } from 'commander';
import { withClient } from '../client-session';
import { CliIo } from '../cli-io';
import { jsonLine } from '../json-line';

/** The system actor's name and message types (acton-ts/observability; wire names only). */
export const SYSTEM_ACTOR = '$acton';

/** `acton stats`: one JSON snapshot of a running app's figures, from its `$acton` system actor. */
export function registerStatsCommand(program: Command, io: CliIo): void {
  program
    .command('stats')
    .description("print one JSON snapshot of the app's figures (listener, actors, cluster) from its $acton actor")
    .option('--pretty', 'indent the JSON')
    .addHelpText('after', '\nThe app must import MetricsModule.forRoot() from acton-ts/observability (it adds $acton).')
    .action(async (options: { pretty?: boolean }, command: Command) => {
      await withClient(command, { target: SYSTEM_ACTOR, type: 'StatsRequest' }, async (client) => {
        const stats = await client.request(SYSTEM_ACTOR, 'StatsRequest', {});
        io.out(options.pretty ? JSON.stringify(stats, null, 2) : jsonLine(stats));
      });
    });
}
