import { ActonClient } from '../client/acton-client';
import { IpcRequestError } from '../client/ipc-request-error';
import { ErrorCode } from '../core/errors/error-code';
import { CliFailure } from './cli-failure';
import { ExitCode } from './exit-code';
import { jsonLine } from './json-line';

/** The call that failed, for hints. */
export interface CallContext {
  readonly target?: string;
  readonly type?: string;
  /** The deadline the call had, ms. */
  readonly timeoutMs?: number;
}

/** Bound on the discover used to build a hint, ms. */
const HINT_DISCOVER_TIMEOUT_MS = 2_000;

/** Exit status for an error code: 4 timeout, 3 connection failures, 1 anything the server answered. */
export function exitCodeFor(error: IpcRequestError): ExitCode {
  if (error.code === ErrorCode.TIMEOUT) return ExitCode.TIMEOUT;
  if (error.code === ErrorCode.CONNECTION_CLOSED || error.code === ErrorCode.CONNECTION_LIMIT_REACHED)
    return ExitCode.CANNOT_CONNECT;
  return ExitCode.REQUEST_ERROR;
}

/**
 * Turns a failed call into what the CLI prints: `<CODE>: <text>` plus hints. Routing and payload
 * errors ask the server (one bounded discover, when `client` is still usable) so the hint lists
 * what exists: the exposed actors for `ACTOR_NOT_FOUND`, the actor's message types for
 * `UNKNOWN_MESSAGE_TYPE`, the type's JSON Schema for `SERIALIZATION_ERROR`. Never throws.
 */
export async function describeRequestError(
  error: IpcRequestError,
  client: ActonClient | undefined,
  context: CallContext,
): Promise<CliFailure> {
  let hints: string[];
  try {
    hints = await hintsFor(error, client, context);
  } catch {
    hints = [];
  }
  return new CliFailure(exitCodeFor(error), `${error.code}: ${error.message}`, hints);
}

async function hintsFor(
  error: IpcRequestError,
  client: ActonClient | undefined,
  context: CallContext,
): Promise<string[]> {
  switch (error.code) {
    case ErrorCode.ACTOR_NOT_FOUND:
      return actorHints(client);
    case ErrorCode.STREAM_ERROR:
      return error.message.startsWith('Actor not found') ? actorHints(client) : [];
    case ErrorCode.UNKNOWN_MESSAGE_TYPE:
      return messageTypeHints(client, context);
    case ErrorCode.SERIALIZATION_ERROR:
      return /^Unknown message type/.test(error.message)
        ? messageTypeHints(client, context)
        : schemaHints(client, context);
    case ErrorCode.TIMEOUT:
      return timeoutHints(error, context);
    case ErrorCode.RATE_LIMITED:
      return [`the server limits requests per connection (rate_limit); retry after ${error.retryAfterMs ?? '?'} ms`];
    case ErrorCode.TARGET_BUSY:
      return [`the actor's mailbox is full (mailboxCapacity); retry later`];
    case ErrorCode.SHUTTING_DOWN:
      return ['the server is shutting down; retry once it is back'];
    case ErrorCode.IO_ERROR:
      return error.isNoReply
        ? ['the handler finished without replying; for fire-and-forget messages use `acton send`']
        : [];
    case ErrorCode.CONNECTION_LIMIT_REACHED:
      return [
        `the server accepts at most ${(error.details as { limit?: number } | undefined)?.limit ?? '?'} connections (limits.max_connections); retry when one closes`,
      ];
    case ErrorCode.CONNECTION_CLOSED:
      return ['the connection to the server was lost: it may have stopped or restarted'];
    default:
      return error.details === undefined ? [] : [`details: ${jsonLine(error.details)}`];
  }
}

function timeoutHints(error: IpcRequestError, context: CallContext): string[] {
  if (error.message.startsWith('Stream idle'))
    return ['no item came within --idle-timeout; raise it if the producer is just slow'];
  if (error.message.startsWith('Stream timed out')) {
    return [
      `the whole stream has a deadline (${context.timeoutMs ?? '?'} ms); for a stream that may run for ever use --timeout 0 (no deadline)`,
    ];
  }
  return [`no answer within ${context.timeoutMs ?? '?'} ms; if the handler is just slow, raise --timeout <ms>`];
}

async function actorHints(client: ActonClient | undefined): Promise<string[]> {
  const discovery = await client?.discover({ includeMessageTypes: false, timeoutMs: HINT_DISCOVER_TIMEOUT_MS });
  const names = (discovery?.actors ?? []).map((actor) => actor.name).sort();
  if (!discovery) return [];
  return [names.length > 0 ? `exposed actors: ${names.join(', ')}` : 'the server exposes no actors'];
}

async function messageTypeHints(client: ActonClient | undefined, context: CallContext): Promise<string[]> {
  const discovery = await client?.discover({ timeoutMs: HINT_DISCOVER_TIMEOUT_MS });
  if (!discovery) return [];
  const actor = discovery.actors?.find((entry) => entry.name === context.target);
  if (actor?.message_types) {
    const handled = actor.message_types.map((type) => `${type.name} (${type.kind})`).join(', ');
    return [`${context.target} handles: ${handled || 'no message types over IPC'}`];
  }
  return [`registered message types: ${[...(discovery.message_types ?? [])].sort().join(', ')}`];
}

async function schemaHints(client: ActonClient | undefined, context: CallContext): Promise<string[]> {
  if (!context.type) return [];
  const discovery = await client?.discover({ includeActors: false, timeoutMs: HINT_DISCOVER_TIMEOUT_MS });
  const schema = discovery?.schemas?.[context.type];
  if (!schema) return [`check the payload's fields and types against ${context.type}`];
  return [`${context.type} payloads must match this JSON Schema:\n${JSON.stringify(schema, null, 2)}`];
}
