import { checkOptionalBool, checkOptionalU64, checkRequiredAny, checkRequiredString, checkStruct, Parsed, parseFailure } from './shape-check';
import { RequestEnvelope } from './wire-types';

/**
 * Checks a decoded Request (0x01) body against §2.2 exactly: `correlation_id`, `target`,
 * `message_type` strings and `payload` (any value, `null` allowed) required; `expects_reply`,
 * `expects_stream` booleans and `response_timeout_ms` a u64 when present (`null` fails);
 * unknown extra fields ignored. On success the body object itself is returned (no copy).
 * A failure's detail is serde-like; the router answers `SERIALIZATION_ERROR` with id `"unknown"`
 * (§3.1 step 4).
 */
export function parseEnvelope(body: unknown): Parsed<RequestEnvelope> {
  const notStruct = checkStruct(body, 'IpcEnvelope');
  if (notStruct) return parseFailure(notStruct);
  const record = body as Record<string, unknown>;
  const problem =
    checkRequiredString(record, 'correlation_id') ??
    checkRequiredString(record, 'target') ??
    checkRequiredString(record, 'message_type') ??
    checkRequiredAny(record, 'payload') ??
    checkOptionalBool(record, 'expects_reply') ??
    checkOptionalBool(record, 'expects_stream') ??
    checkOptionalU64(record, 'response_timeout_ms');
  return problem ? parseFailure(problem) : { ok: true, value: record as unknown as RequestEnvelope };
}
