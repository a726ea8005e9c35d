/**
 * The whole acton-reactive IPC wire as types and constants, in one file (docs/protocol.md §1–§2).
 *
 * Field names are the wire's snake_case names on purpose: these objects are encoded as they are
 * (JSON objects / MessagePack maps keyed by these strings, §1.4). Optional fields are absent,
 * never `null`/`undefined`-valued, when they do not apply.
 */

/** Header length of a v1 frame: LEN u32 + version + type (§1.2). */
export const HEADER_V1_LENGTH = 6;
/** Header length of a v2 frame: LEN u32 + version + type + format (§1.2). */
export const HEADER_V2_LENGTH = 7;

/** Protocol versions accepted inbound (§1.5). The server always writes v2. */
export const ProtocolVersion = { V1: 0x01, V2: 0x02 } as const;
/** A supported protocol version byte. */
export type ProtocolVersion = (typeof ProtocolVersion)[keyof typeof ProtocolVersion];
/** Lowest inbound version accepted (§1.5). */
export const MIN_PROTOCOL_VERSION = ProtocolVersion.V1;
/** Highest version, and the one every server frame carries (§1.5). */
export const MAX_PROTOCOL_VERSION = ProtocolVersion.V2;

/** Message type bytes (§2.1). v1 frames may carry only 0x01–0x04 (§1.5). */
export const MessageType = {
  REQUEST: 0x01,
  RESPONSE: 0x02,
  ERROR: 0x03,
  HEARTBEAT: 0x04,
  PUSH: 0x05,
  SUBSCRIBE: 0x06,
  UNSUBSCRIBE: 0x07,
  DISCOVER: 0x08,
  STREAM: 0x09,
  /** Pattern subscriptions (acton-reactive 9.3, docs/protocol.md §11.1). */
  SUBSCRIBE_PATTERNS: 0x0a,
  UNSUBSCRIBE_PATTERNS: 0x0b,
} as const;
/** A valid message type byte. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];
/** Highest type byte a v1 frame may carry (§1.5). */
export const MAX_V1_MESSAGE_TYPE = MessageType.HEARTBEAT;
/** Highest type byte a v2 frame may carry (§1.5; 0x0a/0x0b since 9.3, §11.1). */
export const MAX_V2_MESSAGE_TYPE = MessageType.UNSUBSCRIBE_PATTERNS;

/** Payload format bytes (§1.2); a v1 frame is implicitly JSON. */
export const Format = { JSON: 0x01, MSGPACK: 0x02 } as const;
/** A valid format byte. */
export type Format = (typeof Format)[keyof typeof Format];

/** Hard payload limit in bytes (16 MiB), whatever is configured (§1.3). */
export const MAX_FRAME_SIZE = 16 * 1024 * 1024;
/** Default `limits.max_message_size` in bytes (1 MiB, §1.3). */
export const DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;

/** Correlation ids the server itself emits (§2.2, §4, §0 D3). Clients should not use them. */
export const ReservedCorrelationId = {
  /** The request's own id could not be decoded. */
  UNKNOWN: 'unknown',
  /** Connection-level rejection at the connection limit (§5.2). */
  CONNECTION_REJECTED: '__acton_connection_rejected__',
  /** Framing error just before the server closes the connection (ours, §0 D3). */
  PROTOCOL_ERROR: '__acton_protocol_error__',
} as const;

/** Default `response_timeout_ms` of an envelope, milliseconds (§2.2). */
export const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;

/** One decoded frame (either header layout). `format` is `JSON` for v1 frames. */
export interface Frame {
  readonly version: ProtocolVersion;
  readonly type: MessageType;
  readonly format: Format;
  /** Exactly `LEN` bytes; may be a view into a larger read buffer (do not keep it mutated). */
  readonly payload: Buffer;
}

/** Request envelope, message type 0x01 (§2.2). */
export interface RequestEnvelope {
  /** Opaque; echoed byte-for-byte in every answer. */
  readonly correlation_id: string;
  /** Exposed actor name (exact match). */
  readonly target: string;
  /** Registered message type name. */
  readonly message_type: string;
  /** Any JSON value, `null` allowed. */
  readonly payload: unknown;
  /** Default false. */
  readonly expects_reply?: boolean;
  /** Default false; wins over `expects_reply`. */
  readonly expects_stream?: boolean;
  /** Reply / whole-stream deadline in ms; default 30000; 0 = immediate timeout. */
  readonly response_timeout_ms?: number;
  /** Optional W3C trace context `{ traceparent, tracestate? }` (ours; reference servers ignore it). */
  readonly trace_context?: unknown;
}

/** `error_details` of a handler error (ours, §0 D1). */
export interface ErrorDetails {
  /** Class name of what the handler threw. */
  readonly name: string;
  /** The thrown `ActorError`'s `data`, when it had any. */
  readonly data?: unknown;
}

/**
 * Response body: sent as 0x02 when `success`, 0x03 otherwise (§2.3). Also the shape of the
 * connection rejection (§5.2) and the framing error frame (§0 D3).
 */
export interface ResponseBody {
  readonly correlation_id: string;
  readonly success: boolean;
  /** Failures only. */
  readonly error?: string;
  /** Failures only. */
  readonly error_code?: string;
  /** Success: the reply (or the delivered ack); failures: only the connection rejection's `{limit}`. */
  readonly payload?: unknown;
  /** Handler errors only (§0 D1). */
  readonly error_details?: ErrorDetails;
  /** `RATE_LIMITED` only: milliseconds until a token exists (§0 D4). */
  readonly retry_after_ms?: number;
}

/** Stream frame body, message type 0x09 (§2.8): data, final or error. */
export interface StreamFrameBody {
  readonly correlation_id: string;
  /** 0-based; +1 per data frame; the terminating frame carries the number of data frames. */
  readonly sequence: number;
  /** Always present; true only on the terminating (final or error) frame. */
  readonly is_final: boolean;
  readonly error?: string;
  readonly error_code?: string;
  /** Data frames only. */
  readonly payload?: unknown;
  /** Handler errors only (§0 D1). */
  readonly error_details?: ErrorDetails;
}

/** Push notification, message type 0x05, always JSON (§2.6). */
export interface PushNotification {
  /** `push_<TypeID suffix>`; the same for every subscriber of one broadcast. */
  readonly notification_id: string;
  readonly message_type: string;
  /** The broadcasting actor's exposed name, when an actor broadcast it (ours, §0 D5). */
  readonly source_actor?: string;
  readonly payload: unknown;
  /** Unix epoch milliseconds when the notification was created. */
  readonly timestamp_ms: number;
}

/** Subscribe (0x06) request body (§2.5). */
export interface SubscribeRequest {
  readonly correlation_id: string;
  readonly message_types: readonly string[];
}

/** Unsubscribe (0x07) request body (§2.5); an empty list removes every subscription. */
export type UnsubscribeRequest = SubscribeRequest;

/** Answer to subscribe / unsubscribe (§2.5). No `error_code`, ever. */
export interface SubscriptionResponse {
  readonly correlation_id: string;
  readonly success: boolean;
  readonly error?: string;
  /** The connection's whole set after the operation; `[]` on failure. */
  readonly subscribed_types: readonly string[];
}

/** Discover (0x08) request body (§2.7). */
export interface DiscoverRequest {
  readonly correlation_id: string;
  /** Default true. */
  readonly include_actors?: boolean;
  /** Default true. */
  readonly include_message_types?: boolean;
}

/** The four capability flags; exactly these keys (§2.7). */
export interface Capabilities {
  readonly messagepack: boolean;
  readonly streaming: boolean;
  readonly push: boolean;
  readonly discovery: boolean;
}

/** `protocol_version` of a discovery response (§2.7). */
export interface ProtocolVersionInfo {
  readonly current: number;
  readonly min_supported: number;
  readonly max_supported: number;
  readonly description: string;
  readonly capabilities: Capabilities;
}

/** What this server reports as `protocol_version` (§2.7, §10 item 60). */
export const PROTOCOL_VERSION_INFO: ProtocolVersionInfo = Object.freeze({
  current: MAX_PROTOCOL_VERSION,
  min_supported: MIN_PROTOCOL_VERSION,
  max_supported: MAX_PROTOCOL_VERSION,
  description: 'v2 (multi-format, streaming, push, discovery)',
  capabilities: Object.freeze({ messagepack: true, streaming: true, push: true, discovery: true }),
});

/** How an actor answers one message type, as discovery reports it (ours, §0 D7). */
export type MessageKind = 'request' | 'stream' | 'fire-and-forget';

/** One message type an actor handles (ours, §0 D7). */
export interface ActorMessageType {
  readonly name: string;
  readonly kind: MessageKind;
}

/** One exposed actor in a discovery response (§2.7); `message_types` is ours (§0 D7). */
export interface ActorInfo {
  readonly name: string;
  /** Opaque instance id. */
  readonly ern: string;
  readonly message_types?: readonly ActorMessageType[];
  /** Ours: the supervising parent's name, for a child actor (optional; reference clients ignore it). */
  readonly parent?: string;
}

/** Discovery response (§2.7); `schemas` is ours (§0 D7). */
export interface DiscoveryResponse {
  readonly correlation_id: string;
  readonly success: boolean;
  /** Failures only. */
  readonly error?: string;
  /** Always present on success. */
  readonly protocol_version?: ProtocolVersionInfo;
  /** Present iff `include_actors`. */
  readonly actors?: readonly ActorInfo[];
  /** Present iff `include_message_types`: every registered name. */
  readonly message_types?: readonly string[];
  /** JSON Schema per registered message type name (present with `message_types`). */
  readonly schemas?: Readonly<Record<string, unknown>>;
}

/** Payload of the fire-and-forget acknowledgement (§3.2). */
export const DELIVERED_PAYLOAD = Object.freeze({ status: 'delivered' });

/** Payload standing in for a reply that cannot be encoded (§3.3). */
export interface FallbackPayload {
  readonly _ipc_fallback: true;
  /** Type name of the reply value. */
  readonly type: string;
  /** Human-readable rendering of the value. */
  readonly debug: string;
}

/** Payload of the connection-limit rejection (§5.2). */
export interface ConnectionRejectedPayload {
  readonly limit: number;
}
