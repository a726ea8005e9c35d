import { isActorError } from '../../core/errors/actor-error';
import { ErrorCode } from '../../core/errors/error-code';
import { ErrorMessages } from '../../core/errors/error-messages';
import { ActorRef } from '../../core/runtime/actor-ref';
import { Delivery } from '../../core/runtime/delivery';
import { encodeJsonFrame, HEARTBEAT_FRAME } from '../protocol/frame-encoder';
import { parseDiscoverRequest, parseEnvelope, Parsed, parseSubscriptionRequest } from '../protocol/inbound-validation';
import { codecFor, PayloadCodec } from '../protocol/payload-codec';
import {
  DEFAULT_RESPONSE_TIMEOUT_MS,
  DELIVERED_PAYLOAD,
  Format,
  Frame,
  MessageType,
  RequestEnvelope,
  ReservedCorrelationId,
} from '../protocol/wire-types';
import { ListenerContext } from './listener-context';
import { PendingRequest } from './pending-request';
import { PendingStream } from './pending-stream';
import { ErrorFields, errorFrame, streamErrorFrame } from './reply-frames';
import { RouteConnection } from './route-connection';

const SHUTTING_DOWN: ErrorFields = Object.freeze({ code: ErrorCode.SHUTTING_DOWN, message: ErrorMessages.SHUTTING_DOWN });
const UNKNOWN_ID = ReservedCorrelationId.UNKNOWN;

/**
 * Answers one inbound frame (PROTOCOL.md §2.1, §3): requests in the exact §3.1 order,
 * heartbeats, subscribe/unsubscribe, discover; ignores valid-but-inappropriate types (§1.6).
 * Every answer goes out in the format of the frame it answers (§1.4), except heartbeats.
 */
export class RequestRouter {
  constructor(private readonly ctx: ListenerContext) {}

  /** Handles one complete frame from `conn`. Never throws for any frame content. */
  route(frame: Frame, conn: RouteConnection): void {
    switch (frame.type) {
      case MessageType.REQUEST:
        return this.request(frame, conn);
      case MessageType.HEARTBEAT:
        // §2.4: one empty v2 JSON heartbeat, whatever the incoming version/format; never limited.
        return conn.send(HEARTBEAT_FRAME);
      case MessageType.SUBSCRIBE:
      case MessageType.UNSUBSCRIBE:
        return this.subscription(frame, conn);
      case MessageType.DISCOVER:
        return this.discover(frame, conn);
      default:
        return; // §1.6: Response/Error/Push/Stream sent by a client are ignored, no counter changes.
    }
  }

  /** §3.1, steps 1–7. */
  private request(frame: Frame, conn: RouteConnection): void {
    const { stats } = this.ctx;
    stats.messagesReceived++;
    const codec = codecFor(frame.format);
    if (this.ctx.draining) {
      // Step 2, before the limiter: no token taken; streams too are answered 0x03 (§3.4).
      stats.shutdownRejections++;
      return conn.send(errorFrame(codec, idOf(codec, frame.payload), SHUTTING_DOWN));
    }
    const retryAfterMs = conn.rateLimiter.take();
    if (retryAfterMs >= 0) {
      stats.rateLimited++;
      const limited = { code: ErrorCode.RATE_LIMITED, message: `Rate limit exceeded, retry after ${retryAfterMs}ms` };
      return conn.send(errorFrame(codec, idOf(codec, frame.payload), limited, { retry_after_ms: retryAfterMs })); // D4
    }
    conn.beginRequest();
    const parsed = decodeEnvelope(codec, frame.payload);
    if (!parsed.ok) {
      // Step 4: id "unknown" even when a correlation_id was readable.
      stats.errors++;
      return answer(conn, errorFrame(codec, UNKNOWN_ID, { code: ErrorCode.SERIALIZATION_ERROR, message: `Failed to parse envelope: Serialization error: ${parsed.detail}` }));
    }
    if (parsed.value.expects_stream === true) return this.stream(parsed.value, codec, conn); // wins over expects_reply
    this.single(parsed.value, codec, conn);
  }

  /** Request-response and fire-and-forget: steps 6–9. */
  private single(envelope: RequestEnvelope, codec: PayloadCodec, conn: RouteConnection): void {
    const id = envelope.correlation_id;
    const fail = (code: string, message: string): void => {
      this.ctx.stats.errors++;
      answer(conn, errorFrame(codec, id, { code, message }));
    };
    const ref = this.ctx.actors.get(envelope.target);
    if (!ref) return fail(ErrorCode.ACTOR_NOT_FOUND, ErrorMessages.actorNotFound(envelope.target));
    const unknownType = this.unknownType(ref, envelope.message_type);
    if (unknownType) return fail(ErrorCode.UNKNOWN_MESSAGE_TYPE, unknownType);
    const decoded = this.decodePayload(envelope);
    if (typeof decoded === 'string') return fail(ErrorCode.SERIALIZATION_ERROR, decoded);
    conn.inOrder(
      decoded,
      (message) => this.dispatchSingle(envelope, message, ref, codec, conn),
      (err) => fail(ErrorCode.SERIALIZATION_ERROR, serializationText(err)),
    );
  }

  private dispatchSingle(envelope: RequestEnvelope, message: object, ref: ActorRef, codec: PayloadCodec, conn: RouteConnection): void {
    const id = envelope.correlation_id;
    if (envelope.expects_reply === true) {
      const pending = new PendingRequest(message, envelope.message_type, id, timeoutOf(envelope), codec, conn);
      if (this.enqueue(ref, pending, codec, conn, id, false)) pending.start();
      return;
    }
    // §3.2: fire-and-forget is acknowledged at once, without waiting for the handler.
    const delivery: Delivery = { message, wireName: envelope.message_type, correlationId: id, peer: conn.peer };
    if (this.enqueue(ref, delivery, codec, conn, id, false)) answer(conn, deliveredFrame(codec, id));
  }

  /** §3.4: pre-dispatch failures are one error stream frame with sequence 0. */
  private stream(envelope: RequestEnvelope, codec: PayloadCodec, conn: RouteConnection): void {
    const id = envelope.correlation_id;
    const fail = (code: string, message: string): void => {
      this.ctx.stats.errors++;
      answer(conn, streamErrorFrame(codec, id, 0, { code, message }));
    };
    const ref = this.ctx.actors.get(envelope.target);
    if (!ref) return fail(ErrorCode.STREAM_ERROR, ErrorMessages.actorNotFound(envelope.target));
    const unknownType = this.unknownType(ref, envelope.message_type);
    if (unknownType) return fail(ErrorCode.SERIALIZATION_ERROR, unknownType);
    const decoded = this.decodePayload(envelope);
    if (typeof decoded === 'string') return fail(ErrorCode.SERIALIZATION_ERROR, decoded);
    conn.inOrder(
      decoded,
      (message) => {
        const pending = new PendingStream(message, envelope.message_type, id, timeoutOf(envelope), codec, conn);
        if (this.enqueue(ref, pending, codec, conn, id, true)) pending.start();
      },
      (err) => fail(ErrorCode.SERIALIZATION_ERROR, serializationText(err)),
    );
  }

  /** Step 8: enqueue without waiting; on failure answers (§3.1 / §3.4 tables) and returns false. */
  private enqueue(ref: ActorRef, delivery: Delivery, codec: PayloadCodec, conn: RouteConnection, id: string, stream: boolean): boolean {
    try {
      ref.deliver(delivery);
      this.ctx.stats.messagesProcessed++;
      return true;
    } catch (err) {
      const failure = this.enqueueFailure(err, stream);
      answer(conn, stream ? streamErrorFrame(codec, id, 0, failure) : errorFrame(codec, id, failure));
      return false;
    }
  }

  private enqueueFailure(err: unknown, stream: boolean): ErrorFields {
    const { stats } = this.ctx;
    const code = isActorError(err) ? err.code : undefined;
    if (code === ErrorCode.TARGET_BUSY) {
      stats.backpressureRejections++;
      return { code, message: stream ? ErrorMessages.STREAM_INBOX_FULL : ErrorMessages.INBOX_FULL };
    }
    if (code === ErrorCode.SHUTTING_DOWN) {
      stats.shutdownRejections++;
      return SHUTTING_DOWN;
    }
    stats.errors++;
    const message = err instanceof Error ? err.message : String(err);
    if (stream) return { code: ErrorCode.STREAM_ERROR, message };
    return { code: code ?? ErrorCode.IO_ERROR, message };
  }

  /** Step 7's type lookup: registered, and handled by this actor with `ipc: true`. */
  private unknownType(ref: ActorRef, wireName: string): string | undefined {
    if (!this.ctx.registry.byName(wireName)) return ErrorMessages.unknownMessageType(wireName);
    const handler = ref.handlerFor(wireName);
    if (handler?.ipc) return undefined;
    const why = handler ? 'handles it in-process only; add ipc: true to its @OnMessage' : 'has no handler for it';
    return `${ErrorMessages.unknownMessageType(wireName)} (actor '${ref.name}' ${why})`;
  }

  /** Step 7's payload decode through the core registry: the instance (or its Promise), or the error text. */
  private decodePayload(envelope: RequestEnvelope): object | Promise<object> | string {
    try {
      return this.ctx.registry.decode(envelope.message_type, envelope.payload);
    } catch (err) {
      return serializationText(err);
    }
  }

  private subscription(frame: Frame, conn: RouteConnection): void {
    const codec = codecFor(frame.format);
    const subscribe = frame.type === MessageType.SUBSCRIBE;
    const parsed = decodeWith(codec, frame.payload, (body) => parseSubscriptionRequest(body, subscribe ? 'IpcSubscribeRequest' : 'IpcUnsubscribeRequest'));
    if (!parsed.ok) {
      this.ctx.stats.errors++;
      const body = { correlation_id: UNKNOWN_ID, success: false, error: `Parse error: Serialization error: ${parsed.detail}`, subscribed_types: [] };
      return conn.send(codec.encodeFrame(MessageType.ERROR, body));
    }
    this.ctx.stats.subscriptionsProcessed++;
    const { subscriptions } = this.ctx;
    const names = parsed.value.message_types;
    const types = subscribe ? subscriptions.subscribe(conn, names) : subscriptions.unsubscribe(conn, names);
    conn.subscriptionsChanged();
    conn.send(codec.encodeFrame(MessageType.RESPONSE, { correlation_id: parsed.value.correlation_id, success: true, subscribed_types: types }));
  }

  private discover(frame: Frame, conn: RouteConnection): void {
    const codec = codecFor(frame.format);
    const parsed = decodeWith(codec, frame.payload, parseDiscoverRequest);
    if (!parsed.ok) {
      this.ctx.stats.errors++;
      const body = { correlation_id: UNKNOWN_ID, success: false, error: `Parse error: Serialization error: ${parsed.detail}` };
      return conn.send(codec.encodeFrame(MessageType.ERROR, body));
    }
    conn.send(codec.encodeFrame(MessageType.RESPONSE, this.ctx.discovery.respond(parsed.value)));
  }
}

function answer(conn: RouteConnection, frame: Buffer): void {
  conn.send(frame);
  conn.finishRequest();
}

function decodeWith<T>(codec: PayloadCodec, payload: Buffer, parse: (body: unknown) => Parsed<T>): Parsed<T> {
  let body: unknown;
  try {
    body = codec.decode(payload);
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
  return parse(body);
}

function decodeEnvelope(codec: PayloadCodec, payload: Buffer): Parsed<RequestEnvelope> {
  return decodeWith(codec, payload, parseEnvelope);
}

/** The id for answers given before step 4: the envelope's when it decodes, else "unknown" (§3.1). */
function idOf(codec: PayloadCodec, payload: Buffer): string {
  const parsed = decodeEnvelope(codec, payload);
  return parsed.ok ? parsed.value.correlation_id : UNKNOWN_ID;
}

function timeoutOf(envelope: RequestEnvelope): number {
  const value: unknown = envelope.response_timeout_ms;
  if (value === undefined) return DEFAULT_RESPONSE_TIMEOUT_MS;
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

function serializationText(err: unknown): string {
  return `Serialization error: ${err instanceof Error ? err.message : String(err)}`;
}

const DELIVERED_SUFFIX = ',"success":true,"payload":{"status":"delivered"}}';

/** §3.2's acknowledgement; JSON is written without building an object. */
function deliveredFrame(codec: PayloadCodec, id: string): Buffer {
  if (codec.format === Format.JSON) return encodeJsonFrame(MessageType.RESPONSE, `{"correlation_id":${JSON.stringify(id)}${DELIVERED_SUFFIX}`);
  return codec.encodeFrame(MessageType.RESPONSE, { correlation_id: id, success: true, payload: DELIVERED_PAYLOAD });
}
