import { checkRequiredString, checkRequiredStringList, checkStruct, Parsed, parseFailure } from './shape-check';
import { SubscribeRequest } from './wire-types';

/**
 * Checks a decoded Subscribe (0x06) or Unsubscribe (0x07) body against §2.5: `correlation_id`
 * (string) and `message_types` (array of strings) both required; extra fields ignored.
 * The server answers a failure with `Parse error: Serialization error: <detail>`.
 * @param struct the reference's struct name, used in the detail of a non-map body
 */
export function parseSubscriptionRequest(body: unknown, struct = 'IpcSubscribeRequest'): Parsed<SubscribeRequest> {
  const notStruct = checkStruct(body, struct);
  if (notStruct) return parseFailure(notStruct);
  const record = body as Record<string, unknown>;
  const problem = checkRequiredString(record, 'correlation_id') ?? checkRequiredStringList(record, 'message_types');
  return problem ? parseFailure(problem) : { ok: true, value: record as unknown as SubscribeRequest };
}
