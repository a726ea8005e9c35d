import { inspect } from 'node:util';
import { encodeJsonFrame } from '../protocol/frame-encoder';
import {
  DELIVERED_PAYLOAD,
  ErrorDetails,
  FallbackPayload,
  Format,
  MAX_FRAME_SIZE,
  MessageType,
  ResponseBody,
  StreamFrameBody,
} from '../protocol/wire-types';
import { PayloadCodec } from '../protocol/payload-codec';

/** An error answer's fields (`error`, `error_code`, optional D1 `error_details`). */
export interface ErrorFields {
  readonly code: string;
  readonly message: string;
  readonly details?: ErrorDetails;
}

/**
 * `0x02` success response carrying `payload` (§2.3); an unencodable or oversize reply becomes
 * the `_ipc_fallback` object (§3.3). `undefined` is sent as `null`.
 */
export function responseFrame(codec: PayloadCodec, correlationId: string, payload: unknown): Buffer {
  if (codec.format === Format.JSON) {
    const frame = jsonFrameAround(
      MessageType.RESPONSE,
      `{"correlation_id":${JSON.stringify(correlationId)},"success":true,"payload":`,
      payload,
    );
    if (frame) return frame;
  }
  const body: { correlation_id: string; success: true; payload: unknown } = {
    correlation_id: correlationId,
    success: true,
    payload: payload ?? null,
  };
  return encodeWithFallback(codec, MessageType.RESPONSE, body, payload);
}

const DELIVERED_SUFFIX = ',"success":true,"payload":{"status":"delivered"}}';

/** §3.2's fire-and-forget acknowledgement; JSON is written without building an object. */
export function deliveredFrame(codec: PayloadCodec, correlationId: string): Buffer {
  if (codec.format === Format.JSON) {
    return encodeJsonFrame(
      MessageType.RESPONSE,
      `{"correlation_id":${JSON.stringify(correlationId)}${DELIVERED_SUFFIX}`,
    );
  }
  return codec.encodeFrame(MessageType.RESPONSE, {
    correlation_id: correlationId,
    success: true,
    payload: DELIVERED_PAYLOAD,
  });
}

/**
 * `0x03` error response (§2.3); key order as in the spec's examples. `extra` adds our fields
 * (`retry_after_ms`, D4) or the rejection's `payload` (§5.2).
 */
export function errorFrame(
  codec: PayloadCodec,
  correlationId: string,
  error: ErrorFields,
  extra?: Partial<ResponseBody>,
): Buffer {
  const body: ResponseBody = {
    correlation_id: correlationId,
    success: false,
    error: error.message,
    error_code: error.code,
    ...(error.details ? { error_details: error.details } : undefined),
    ...extra,
  };
  return encodeDetails(codec, MessageType.ERROR, body, error.details);
}

/** `0x09` data frame (§2.8): `is_final:false` and the payload (fallback as for responses). */
export function streamDataFrame(
  codec: PayloadCodec,
  correlationId: string,
  sequence: number,
  payload: unknown,
): Buffer {
  if (codec.format === Format.JSON) {
    // JSON.stringify, not `${sequence}`: a template goes through V8's number-to-string cache, which
    // keeps each new digit string alive across scavenges (W3 promoted ≈ 0.15 MB per scavenge, bench/README.md).
    const head =
      `{"correlation_id":${quotedId(correlationId)},"sequence":` +
      JSON.stringify(sequence) +
      ',"is_final":false,"payload":';
    const frame = jsonFrameAround(MessageType.STREAM, head, payload);
    if (frame) return frame;
  }
  const body: { correlation_id: string; sequence: number; is_final: false; payload: unknown } = {
    correlation_id: correlationId,
    sequence,
    is_final: false,
    payload: payload ?? null,
  };
  return encodeWithFallback(codec, MessageType.STREAM, body, payload);
}

/** `0x09` final frame (§2.8): `is_final:true`, no payload, `sequence` = data frames sent. */
export function streamEndFrame(codec: PayloadCodec, correlationId: string, sequence: number): Buffer {
  return codec.encodeFrame(MessageType.STREAM, { correlation_id: correlationId, sequence, is_final: true });
}

/** `0x09` error frame (§2.8): `is_final:true` with `error` / `error_code` (and D1 details). */
export function streamErrorFrame(
  codec: PayloadCodec,
  correlationId: string,
  sequence: number,
  error: ErrorFields,
): Buffer {
  const body: StreamFrameBody = {
    correlation_id: correlationId,
    sequence,
    is_final: true,
    error: error.message,
    error_code: error.code,
    ...(error.details ? { error_details: error.details } : undefined),
  };
  return encodeDetails(codec, MessageType.STREAM, body, error.details);
}

let lastId = '';
let lastQuotedId = '""';

/** `JSON.stringify(id)`, remembered for the last id: a stream's data frames all repeat their call's. */
function quotedId(id: string): string {
  if (id !== lastId) {
    lastQuotedId = JSON.stringify(id);
    lastId = id;
  }
  return lastQuotedId;
}

/**
 * JSON fast path for the two hot answers: the body's text written around the payload's own
 * JSON, so no body object is built and stringified (bench W2: ~100 ns of ~4 µs per call). Gives
 * exactly what `JSON.stringify(body)` would, or `undefined` to leave the case to the generic
 * path: unencodable or throwing values, a `toJSON` (it may depend on its key), oversize frames.
 */
function jsonFrameAround(type: MessageType, head: string, payload: unknown): Buffer | undefined {
  if (isUnencodableValue(payload) || typeof (payload as { toJSON?: unknown } | null)?.toJSON === 'function')
    return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(payload ?? null);
  } catch {
    return undefined;
  }
  if (json === undefined) return undefined;
  const frame = encodeJsonFrame(type, `${head}${json}}`);
  return isOversizeFrame(frame) ? undefined : frame;
}

function encodeWithFallback(
  codec: PayloadCodec,
  type: MessageType,
  body: { payload: unknown },
  value: unknown,
): Buffer {
  if (isUnencodableValue(value)) {
    body.payload = fallbackPayload(value);
    return codec.encodeFrame(type, body);
  }
  try {
    const frame = codec.encodeFrame(type, body);
    if (!isOversizeFrame(frame)) return frame;
    body.payload = fallbackPayload(value, `${frame.length - 7} bytes exceed the 16 MiB frame limit`);
  } catch (err) {
    body.payload = fallbackPayload(value, err instanceof Error ? err.message : String(err));
  }
  return codec.encodeFrame(type, body);
}

/** An `ActorError`'s `data` that cannot be encoded is left out rather than losing the whole error. */
function encodeDetails(
  codec: PayloadCodec,
  type: MessageType,
  body: ResponseBody | StreamFrameBody,
  details?: ErrorDetails,
): Buffer {
  if (!details || details.data === undefined) return codec.encodeFrame(type, body);
  try {
    return codec.encodeFrame(type, body);
  } catch {
    return codec.encodeFrame(type, { ...body, error_details: { name: details.name } });
  }
}

// ---- the §3.3 fallback for replies that cannot be encoded ----

/** Longest `debug` text of a fallback payload, in characters. */
const MAX_DEBUG_LENGTH = 2000;

/**
 * True for values JSON cannot carry at the top level (JSON would write nothing, or throw):
 * functions, symbols, BigInts. Deeper problems (cycles, nested BigInts) show up as a TypeError
 * from the codec.
 */
function isUnencodableValue(value: unknown): boolean {
  const type = typeof value;
  return type === 'function' || type === 'symbol' || type === 'bigint';
}

/**
 * The payload sent instead of a reply that cannot be encoded (docs/protocol.md §3.3): still a
 * success, `{"_ipc_fallback":true,"type":"<type name>","debug":"<debug text>"}`.
 * @param reason why it could not be encoded, appended to `debug` (e.g. the codec's message)
 */
function fallbackPayload(value: unknown, reason?: string): FallbackPayload {
  const rendered = safely(
    () => inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200 }),
    '<value that cannot be inspected>',
  );
  const debug = reason ? `${rendered} (not encodable: ${reason})` : rendered;
  const type = safely(() => typeNameOf(value), 'unknown');
  return {
    _ipc_fallback: true,
    type,
    debug: debug.length > MAX_DEBUG_LENGTH ? `${debug.slice(0, MAX_DEBUG_LENGTH)}…` : debug,
  };
}

/** Whatever the reply is (a hostile Proxy included), the fallback itself must not throw. */
function safely(render: () => string, otherwise: string): string {
  try {
    return render();
  } catch {
    return otherwise;
  }
}

/** A reply encoded larger than the 16 MiB limit is replaced by a fallback (§1.3: we never emit bigger frames). */
function isOversizeFrame(frame: Buffer): boolean {
  return frame.length - 7 > MAX_FRAME_SIZE;
}

function typeNameOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object' || typeof value === 'function') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    if (typeof value === 'function') return 'Function';
    return name || 'Object';
  }
  return typeof value;
}
