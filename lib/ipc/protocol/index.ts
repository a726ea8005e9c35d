/** Internal barrel of the wire protocol, shared by the server and `acton-ts/client` (named exports only). */
export type {
  ActorInfo,
  ActorMessageType,
  Capabilities,
  ConnectionRejectedPayload,
  DiscoverRequest,
  DiscoveryResponse,
  ErrorDetails,
  FallbackPayload,
  Frame,
  MessageKind,
  ProtocolVersionInfo,
  PushNotification,
  RequestEnvelope,
  ResponseBody,
  StreamFrameBody,
  SubscribeRequest,
  SubscriptionResponse,
  UnsubscribeRequest,
} from './wire-types';
export {
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_RESPONSE_TIMEOUT_MS,
  DELIVERED_PAYLOAD,
  Format,
  HEADER_V1_LENGTH,
  HEADER_V2_LENGTH,
  MAX_FRAME_SIZE,
  MAX_PROTOCOL_VERSION,
  MAX_V1_MESSAGE_TYPE,
  MAX_V2_MESSAGE_TYPE,
  MessageType,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION_INFO,
  ProtocolVersion,
  ReservedCorrelationId,
} from './wire-types';
export { encodeFrame, encodeJsonFrame, HEARTBEAT_FRAME } from './frame-encoder';
export { FrameDecoder } from './frame-decoder';
export type { DecodeResult } from './frame-decoder';
export { hexByte } from './framing-error';
export type { FramingError } from './framing-error';
export { codecFor, type PayloadCodec } from './payload-codec';
export { JsonCodec, JSON_CODEC } from './json-codec';
export { MsgpackCodec, MSGPACK_CODEC } from './msgpack-codec';
export { toJsonValue } from './json-value';
export { parseDiscoverRequest, parseEnvelope, parseStruct, parseSubscriptionRequest } from './inbound-validation';
export type { FieldRule, FieldTable, Parsed } from './inbound-validation';
export {
  isPattern,
  parsePatternSubscriptionRequest,
  patternListProblem,
  PatternErrors,
  type PatternSubscriptionRequest,
  type PatternSubscriptionResponse,
} from './pattern-subscription';
export { newCorrelationId, encodeTypeIdSuffix, isTypeId, typeIdTimestamp, uuidV7Bytes } from './correlation-id';
export type { CorrelationIdPrefix } from './correlation-id';
export { formatTraceparent, parseTraceparent, traceContextOf } from './trace-context-field';
export type { TraceparentParts } from './trace-context-field';
