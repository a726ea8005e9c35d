import { Command, Option } from 'commander';
import { CliIo } from './cli-io';
import { registerCallCommand } from './commands/call.command';
import { registerDiscoverCommand } from './commands/discover.command';
import { registerGenerateCommand } from './commands/generate.command';
import { registerNewCommand } from './commands/new.command';
import { registerPingCommand } from './commands/ping.command';
import { registerSendCommand } from './commands/send.command';
import { registerStatsCommand } from './commands/stats.command';
import { registerStreamCommand } from './commands/stream.command';
import { registerSubscribeCommand } from './commands/subscribe.command';
import { registerTopCommand } from './commands/top.command';
import { EXIT_CODES_HELP } from './exit-code';
import { parseMilliseconds, SOCKET_ENV } from './global-options';
import { packageVersion } from './package-version';

/**
 * The `acton` command tree (commander): global options `--socket`, `--app`, `--timeout`,
 * `--msgpack` (accepted before or after the command name), the client commands, and the
 * project commands. Errors are not printed here: commander's usage errors are thrown as
 * `CommanderError` (see `exitOverride`), command failures as `CliFailure`; `runCli` reports them.
 */
export function createProgram(io: CliIo): Command {
  const program = new Command('acton')
    .description('Talk to acton actors over their Unix socket, and generate acton-ts code')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('-s, --socket <path>', `the server's Unix socket (default: $${SOCKET_ENV})`))
    .addOption(
      new Option(
        '-a, --app <name>',
        'the server app name: uses its default socket $XDG_RUNTIME_DIR/acton/<name>/ipc.sock',
      ),
    )
    .addOption(
      new Option(
        '-t, --timeout <ms>',
        'deadline of each call in ms; 0 = none (default: $ACTON_TIMEOUT_MS or 30000)',
      ).argParser(parseMilliseconds),
    )
    .addOption(new Option('--msgpack', 'send MessagePack frames instead of JSON'))
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
    })
    .addHelpText('after', EXIT_CODES_HELP);

  registerCallCommand(program, io);
  registerSendCommand(program, io);
  registerStreamCommand(program, io);
  registerSubscribeCommand(program, io);
  registerDiscoverCommand(program, io);
  registerPingCommand(program, io);
  registerStatsCommand(program, io);
  registerTopCommand(program, io);

  // Project commands (schematics), owned by the schematics part.
  registerGenerateCommand(program);
  registerNewCommand(program);

  for (const command of program.commands) command.addHelpText('after', EXIT_CODES_HELP);
  return program;
}
