import { Command } from 'commander';
import { withClient } from '../client-session';
import { refuseStreamHandler } from '../discovery-checks';
import { CliIo } from '../cli-io';
import { parseJsonArgument } from '../json-argument';
import { jsonLine } from '../json-line';

/**
 * `acton call <target> <type> [json]`: request-response; prints the reply as one JSON line.
 * A stream handler is refused with a pointer to `acton stream` (see `refuseStreamHandler`).
 */
export function registerCallCommand(program: Command, io: CliIo): void {
  program
    .command('call')
    .description('send a request and print the reply payload as one JSON line')
    .argument('<target>', 'exposed actor name, e.g. calculator')
    .argument('<type>', 'message type, e.g. AddRequest')
    .argument('[json]', 'payload as JSON; "-" reads it from stdin; default {}')
    .addHelpText(
      'after',
      `\nExample:\n  acton --socket /tmp/acton/app/ipc.sock call calculator AddRequest '{"a":5,"b":3}'`,
    )
    .action(async (target: string, type: string, json: string | undefined, _options: unknown, command: Command) => {
      const payload = await parseJsonArgument(json, io);
      await withClient(command, { target, type }, async (client) => {
        await refuseStreamHandler(client, target, type, json === '-' ? undefined : json);
        io.out(jsonLine(await client.request(target, type, payload)));
      });
    });
}
