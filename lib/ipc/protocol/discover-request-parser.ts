import { checkOptionalBool, checkRequiredString, checkStruct, Parsed, parseFailure } from './shape-check';
import { DiscoverRequest } from './wire-types';

/**
 * Checks a decoded Discover (0x08) body against §2.7: `correlation_id` string required,
 * `include_actors` / `include_message_types` booleans when present (default true).
 * The server answers a failure with `Parse error: Serialization error: <detail>`.
 */
export function parseDiscoverRequest(body: unknown): Parsed<DiscoverRequest> {
  const notStruct = checkStruct(body, 'IpcDiscoverRequest');
  if (notStruct) return parseFailure(notStruct);
  const record = body as Record<string, unknown>;
  const problem =
    checkRequiredString(record, 'correlation_id') ??
    checkOptionalBool(record, 'include_actors') ??
    checkOptionalBool(record, 'include_message_types');
  return problem ? parseFailure(problem) : { ok: true, value: record as unknown as DiscoverRequest };
}
