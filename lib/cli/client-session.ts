import { Command } from 'commander';
import { ActonClient } from '../client/acton-client';
import { ClientOptions } from '../client/client-options';
import { isIpcRequestError } from '../client/ipc-request-error';
import { CliFailure } from './cli-failure';
import { ExitCode } from './exit-code';
import { GlobalOptions, serverSocketPath } from './global-options';
import { CallContext, describeRequestError } from './request-error-report';

/** Default deadline of a CLI call when `--timeout` is not given, ms. */
export const DEFAULT_CLI_TIMEOUT_MS = 30_000;

/**
 * Connects as the global options say (`--socket` / `--app` / `$ACTON_IPC_SOCKET`, `--timeout`,
 * `--msgpack`), runs `body`, and closes. The CLI never reconnects: a lost connection ends the
 * command (exit 3).
 * @throws CliFailure exit 2 when no server is given, 3 when it cannot connect (naming the socket
 *   path tried), and for a failed call the code and hints of `describeRequestError`
 */
export async function withClient<T>(command: Command, context: CallContext, body: (client: ActonClient, timeoutMs: number) => Promise<T>, extra: ClientOptions = {}): Promise<T> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const socketPath = serverSocketPath(globals);
  const timeoutMs = globals.timeout ?? DEFAULT_CLI_TIMEOUT_MS;
  let client: ActonClient;
  try {
    client = await ActonClient.connect({ socketPath }, { format: globals.msgpack ? 'msgpack' : 'json', defaultTimeoutMs: timeoutMs, reconnect: false, ...extra });
  } catch (error) {
    if (!isIpcRequestError(error)) throw error;
    const failure = await describeRequestError(error, undefined, {});
    throw new CliFailure(ExitCode.CANNOT_CONNECT, failure.message, [
      ...failure.hints.filter((hint) => !hint.startsWith('the connection to the server was lost')),
      `point acton at the server with --socket <path>, --app <name> or ACTON_IPC_SOCKET (tried ${socketPath})`,
    ]);
  }
  try {
    return await body(client, timeoutMs);
  } catch (error) {
    if (!isIpcRequestError(error)) throw error;
    throw await describeRequestError(error, client.status === 'connected' ? client : undefined, { ...context, timeoutMs });
  } finally {
    await client.close();
  }
}
