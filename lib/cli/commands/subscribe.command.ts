import { Command } from 'commander';
import { take } from 'rxjs';
import { withClient } from '../client-session';
import { CliIo } from '../cli-io';
import { unregisteredTypeWarnings } from '../discovery-checks';
import { parseCount } from '../global-options';
import { printUntilDone } from './stream.command';

/**
 * `acton subscribe <type...> [--count N]`: prints each push notification (the whole object:
 * `message_type`, `payload`, `source_actor`, ...) as one JSON line, until Ctrl-C or N pushes.
 * A name with a `*` is a pattern (`'Price*'`, docs/protocol.md §11.1). Says on stderr once the
 * server confirmed the subscription, and warns there about an exact type the server does not
 * register (suggesting the closest registered name); a refused one (e.g. `ACCESS_DENIED`) fails
 * the command.
 */
export function registerSubscribeCommand(program: Command, io: CliIo): void {
  program
    .command('subscribe')
    .description(
      'subscribe to broadcast message types or patterns and print each push as one JSON line (Ctrl-C to stop)',
    )
    .argument('<type...>', "message types or Prefix* patterns, e.g. PriceUpdate 'Trade*' (quote the star)")
    .option('-n, --count <n>', 'exit after this many pushes', parseCount)
    .action(async (types: string[], options: { count?: number }, command: Command) => {
      await withClient(command, {}, async (client) => {
        const pushes = client.subscribe(types);
        const done = printUntilDone(options.count === undefined ? pushes : pushes.pipe(take(options.count)), io);
        let refused = false;
        done.catch(() => (refused = true));
        await client.flush();
        if (!refused) {
          io.err(`subscribed to ${types.join(', ')} (Ctrl-C to stop)`);
          for (const warning of await unregisteredTypeWarnings(client, types)) io.err(warning);
        }
        await done;
      });
    });
}
