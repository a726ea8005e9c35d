import { Command } from 'commander';
import { withClient } from '../client-session';
import { CliIo } from '../cli-io';
import { formatDiscoveryTable } from '../discovery-table';

/** `acton discover [--json]`: what the server serves, as a table, or the raw response as JSON. */
export function registerDiscoverCommand(program: Command, io: CliIo): void {
  program
    .command('discover')
    .description('list the exposed actors, their message types (with kind) and the payload fields')
    .option('--json', 'print the whole discovery response as JSON (for scripts)')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(command, {}, async (client) => {
        const discovery = await client.discover();
        if (options.json) io.out(JSON.stringify(discovery, null, 2));
        else for (const line of formatDiscoveryTable(discovery)) io.out(line);
      });
    });
}
