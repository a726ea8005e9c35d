import { ActonClient } from '../client/acton-client';
import { closestKey } from '../ipc/config/ipc-config-sources';
import { CliFailure } from './cli-failure';
import { ExitCode } from './exit-code';

/** Bound on the discover a check makes before or after the call, ms. */
const CHECK_DISCOVER_TIMEOUT_MS = 2_000;

/**
 * `acton call` on a stream handler would print the first item and drop the rest (the server
 * answers a request-response with the first reply), so the CLI asks discovery first (one
 * bounded round trip) and refuses, pointing at `acton stream`. A server that cannot be asked
 * (no discovery, or a slow one) is not second-guessed: the call goes ahead.
 * @throws CliFailure (usage, exit 2) when discovery lists `type` as a stream handler of `target`
 */
export async function refuseStreamHandler(
  client: ActonClient,
  target: string,
  type: string,
  payloadJson: string | undefined,
): Promise<void> {
  const kind = await client
    .discover({ includeMessageTypes: false, timeoutMs: CHECK_DISCOVER_TIMEOUT_MS })
    .then(
      (discovery) =>
        discovery.actors?.find((actor) => actor.name === target)?.message_types?.find((entry) => entry.name === type)
          ?.kind,
    )
    .catch(() => undefined);
  if (kind !== 'stream') return;
  const json = payloadJson === undefined ? '' : ` '${payloadJson}'`;
  throw new CliFailure(
    ExitCode.USAGE,
    `${type} is a stream handler of ${target}: acton call would print only its first item`,
    [`use acton stream ${target} ${type}${json} (add --timeout 0 for a stream without a deadline)`],
  );
}

/**
 * Warnings for subscribed types that nothing registers (a typo subscribes silently forever):
 * `StockChange is not a registered message type; did you mean StockChanged?`. Empty when all
 * are registered or the server cannot be asked.
 */
export async function unregisteredTypeWarnings(client: ActonClient, types: readonly string[]): Promise<string[]> {
  const registered = await client
    .discover({ includeActors: false, timeoutMs: CHECK_DISCOVER_TIMEOUT_MS })
    .then((discovery) => discovery.message_types)
    .catch(() => undefined);
  if (!registered) return [];
  return types
    .filter((type) => !type.includes('*') && !registered.includes(type)) // a pattern (docs/protocol.md §11.1) names no one type
    .map((type) => {
      const closest = closestKey(type, registered);
      const suggestion = closest
        ? `did you mean ${closest}?`
        : `registered types: ${[...registered].sort().join(', ') || 'none'}`;
      return `warning: ${type} is not a registered message type, so no push of it will come; ${suggestion}`;
    });
}
