import { Command } from 'commander';
import { ActonClient } from '../client/acton-client';
import { MAX_TIMER_DELAY_MS } from '../core/runtime/in-flight-call';
import { ClientOptions } from '../client/client-options';
import { isIpcRequestError } from '../client/ipc-request-error';
import { CliFailure } from './cli-failure';
import { ExitCode } from './exit-code';
import { GlobalOptions, parseMilliseconds, serverSocketPath } from './global-options';
import { CallContext, describeRequestError } from './request-error-report';

/** Default deadline of a CLI call when neither `--timeout` nor `$ACTON_TIMEOUT_MS` is given, ms. */
export const DEFAULT_CLI_TIMEOUT_MS = 30_000;

/** Environment variable that sets the default of `--timeout` (e.g. for a slow server, or in tests). */
export const TIMEOUT_ENV = 'ACTON_TIMEOUT_MS';

/**
 * Connects as the global options say (`--socket` / `--app` / `$ACTON_IPC_SOCKET`, `--timeout` /
 * `$ACTON_TIMEOUT_MS`, `--msgpack`), runs `body` (given the deadline, 0 = none), and closes.
 * The CLI never reconnects: a lost connection ends the command (exit 3).
 * @throws CliFailure exit 2 when no server is given, 3 when it cannot connect (naming the socket
 *   path tried), and for a failed call the code and hints of `describeRequestError`
 */
export async function withClient<T>(
  command: Command,
  context: CallContext,
  body: (client: ActonClient, timeoutMs: number) => Promise<T>,
  extra: ClientOptions = {},
): Promise<T> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const socketPath = serverSocketPath(globals);
  const timeoutMs = globals.timeout ?? defaultTimeout();
  // `--timeout 0` means no deadline: streams are opened without one (the command passes 0), other
  // calls get the longest deadline a timer can hold (≈ 24.8 days).
  const defaultTimeoutMs = timeoutMs === 0 ? MAX_TIMER_DELAY_MS : timeoutMs;
  let client: ActonClient;
  try {
    client = await ActonClient.connect(
      { socketPath },
      { format: globals.msgpack ? 'msgpack' : 'json', defaultTimeoutMs, reconnect: false, ...extra },
    );
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
    throw await describeRequestError(error, client.status === 'connected' ? client : undefined, {
      ...context,
      timeoutMs,
    });
  } finally {
    await client.close();
  }
}

/**
 * `$ACTON_TIMEOUT_MS` when set, else 30000.
 * @throws CliFailure (usage, exit 2) when the variable is not a whole number of milliseconds
 */
function defaultTimeout(): number {
  const fromEnv = process.env[TIMEOUT_ENV];
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_CLI_TIMEOUT_MS;
  try {
    return parseMilliseconds(fromEnv);
  } catch (error) {
    throw new CliFailure(ExitCode.USAGE, `${TIMEOUT_ENV}: ${(error as Error).message}`, [
      `unset it, or set it to a deadline such as 30000 (0 = none)`,
    ]);
  }
}
