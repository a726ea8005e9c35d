import { Command } from 'commander';
import { withClient } from '../client-session';
import { CliIo } from '../cli-io';
import { parseJsonArgument } from '../json-argument';

/** `acton send <target> <type> [json]`: fire-and-forget; prints `delivered` once the server acknowledged it. */
export function registerSendCommand(program: Command, io: CliIo): void {
  program
    .command('send')
    .description('send a fire-and-forget message; prints "delivered" once the actor\'s mailbox has it')
    .argument('<target>', 'exposed actor name')
    .argument('<type>', 'message type')
    .argument('[json]', 'payload as JSON; "-" reads it from stdin; default {}')
    .action(async (target: string, type: string, json: string | undefined, _options: unknown, command: Command) => {
      const payload = await parseJsonArgument(json, io);
      await withClient(command, { target, type }, async (client) => {
        await client.send(target, type, payload);
        io.out('delivered');
      });
    });
}
