/*
 * The server's request path, one direction (docs/protocol.md §1, §3, §5):
 *
 *   socket bytes
 *     → FramedSocket (framed-socket.ts)            decode frames, idle clock; FrameReceiver.frame()
 *     → RequestPipeline.accept                     serial backlog (compat.serial, §3.5)
 *     → frameHandlers[frame.type]                  request | heartbeat | (un)subscribe | discover
 *   request (§3.1):
 *     → draining?                                  SHUTTING_DOWN, no token taken (§5.5)
 *     → rateLimiter.take()                         RATE_LIMITED + retry_after_ms (§5.1, D4)
 *     → in flight + 1                              InFlightRequests (§7), read clock paused (§5.3)
 *     → parse envelope                             SERIALIZATION_ERROR, id "unknown" (step 4)
 *     → services.authorize?(envelope, peer)        the place to authorize a request
 *     → RequestRouter.resolve                      target + type + payload decode (steps 6–7)
 *     → inOrder                                    arrival order across async validation (§0 D2)
 *     → RequestRouter.deliver                      enqueue without waiting (step 8)
 *     → PendingRequest / PendingStream             deadline, ctx.signal (pending-calls.ts)
 *   answers:
 *     actor → ReplySink (the pending call) → AnswerSink (this pipeline) → FrameTransport.send
 *   pushes:
 *     SubscriptionManager → PushTarget.offerPush (this pipeline: the per-push hook) → transport
 *
 * Connections are admitted by `IpcListener.admit` (the place for an accept-time admission
 * check, before any frame is read). The pipeline talks to its connection only through the
 * `FrameTransport` port; the transport talks back only through `FrameReceiver`.
 */
import { ErrorCode } from '../../core/errors/error-code';
import { ActorRef } from '../../core/runtime/actor-ref';
import { isThenable } from '../../core/runtime/handler-invocation';
import { Logger } from '../../core/runtime/logger';
import { PeerInfo } from '../../core/runtime/peer-info';
import { IpcConfig } from '../config/ipc-config';
// The protocol's public index, so that this file does not depend on how lib/ipc/protocol splits its files.
import {
  codecFor,
  Parsed,
  parseDiscoverRequest,
  parseEnvelope,
  parseSubscriptionRequest,
  PayloadCodec,
} from '../protocol';
import { HEARTBEAT_FRAME } from '../protocol/frame-encoder';
import { FramingError } from '../protocol/framing-error';
import { JSON_CODEC } from '../protocol/json-codec';
import {
  DEFAULT_RESPONSE_TIMEOUT_MS,
  Frame,
  MessageType,
  RequestEnvelope,
  ReservedCorrelationId,
} from '../protocol/wire-types';
import { Discovery } from './discovery';
import { FrameReceiver, FrameTransport } from './framed-socket';
import { InFlightRequests } from './in-flight-requests';
import { RequestCounters } from './listener-stats';
import { AnswerSink, PendingCall, PendingRequest, PendingStream } from './pending-calls';
import { RateLimiter } from './rate-limiter';
import { deliveredFrame, ErrorFields, errorFrame, streamErrorFrame } from './reply-frames';
import { RequestRouter, RouteFailure, serializationFailure, SHUTTING_DOWN } from './request-router';
import { PushTarget, SubscriptionManager } from './subscription-manager';

/** In serial mode, stop reading from the socket while this many frames wait their turn. */
const SERIAL_BACKLOG_PAUSE = 256;
const UNKNOWN_ID = ReservedCorrelationId.UNKNOWN;

/**
 * Decides whether `peer` may send this request; returns the error to answer when not (counted
 * in `errors`). Runs after rate limiting and envelope parsing, before the actor lookup.
 */
export type RequestAuthorizer = (envelope: RequestEnvelope, peer: PeerInfo) => ErrorFields | undefined;

/** What the pipelines of one listener share (§3.5: the actors, the registries and the stats). */
export interface PipelineServices {
  readonly config: IpcConfig;
  readonly logger: Logger;
  readonly router: RequestRouter;
  readonly subscriptions: SubscriptionManager;
  readonly discovery: Discovery;
  readonly counters: RequestCounters;
  readonly inFlight: InFlightRequests;
  /** Optional authorization step (none: every request is allowed). */
  readonly authorize?: RequestAuthorizer;
}

type Inbound = Frame | { readonly framingError: FramingError };
type FrameHandler = (frame: Frame) => void;

/**
 * The request pipeline of one connection (see the flow above): owns the order of frames and
 * the serial backlog, the connection's rate-limit bucket (§5.1), its requests in flight and
 * when it may close (EOF, framing error, idle timeout), and answers every frame through its
 * `FrameTransport`.
 *
 * - Frames are handled as they arrive (§0 D2); with `compat.serial` one at a time, the next
 *   only after the previous one is answered (heartbeats wait too), like the reference.
 * - Idle read timeout (§5.3): `read_timeout_ms` without subscriptions, else
 *   `subscription_read_timeout_ms`; never expires while a request is being answered; expiry
 *   closes silently (`errors` + 1).
 * - Framing error (§1.6, §0 D3): one error frame, then the connection closes after the frames
 *   already queued (and answers to requests already accepted) are written.
 * - EOF (also a half-close, §9): requests already received are still answered, then the
 *   connection closes.
 */
export class RequestPipeline implements FrameReceiver, PushTarget, AnswerSink {
  readonly hideHandlerErrors: boolean;
  private readonly rateLimiter: RateLimiter;
  private readonly serial: boolean;
  /** One handler per frame type a client may send (§2.1); other valid types are ignored (§1.6). */
  private readonly frameHandlers: Partial<Record<MessageType, FrameHandler>>;
  private readonly calls = new Set<PendingCall>();
  private backlog: Inbound[] = [];
  private pumping = false;
  private pending = 0;
  private orderGate?: Promise<unknown>;
  private inputEnded = false;
  private closing = false;
  private released = false;

  constructor(
    private readonly transport: FrameTransport,
    private readonly services: PipelineServices,
  ) {
    const { config } = services;
    this.rateLimiter = new RateLimiter(config.rateLimit);
    this.hideHandlerErrors = config.compat.handlerErrors === 'hidden';
    this.serial = config.compat.serial;
    this.frameHandlers = {
      [MessageType.REQUEST]: (frame) => this.request(frame),
      // §2.4: one empty v2 JSON heartbeat, whatever the incoming version/format; never limited.
      [MessageType.HEARTBEAT]: () => this.transport.send(HEARTBEAT_FRAME),
      [MessageType.SUBSCRIBE]: (frame) => this.subscription(frame, true),
      [MessageType.UNSUBSCRIBE]: (frame) => this.subscription(frame, false),
      [MessageType.DISCOVER]: (frame) => this.discover(frame),
    };
    this.applyReadTimeout();
  }

  /** The connection's peer. */
  get peer(): PeerInfo {
    return this.transport.peer;
  }

  /** Resolves once the connection closed and everything was released. */
  get closed(): Promise<void> {
    return this.transport.closed;
  }

  /** Closes after the queued frames are written (the listener's stop, EOF, errors). */
  close(): void {
    this.closing = true;
    this.transport.close();
  }

  // ---- FrameReceiver: what the transport reads ----

  frame(frame: Frame): void {
    this.accept(frame);
  }

  framingError(error: FramingError): void {
    this.accept({ framingError: error });
  }

  peerEnded(): void {
    this.inputEnded = true;
    this.closeIfFinished();
  }

  readTimedOut(timeoutMs: number): void {
    if (this.closing) return;
    if (this.pending > 0) return this.transport.restartReadTimer(); // §5.3: not while answering
    this.services.counters.errors++;
    this.services.logger.debug(
      `IPC connection ${this.peer.connectionId}: idle for ${timeoutMs} ms; closing it (read timeout)`,
    );
    this.close();
  }

  writeStalled(): void {
    // §0 D6: pending writes made no progress for write_timeout_ms; the transport closes now.
    this.closing = true;
    this.services.counters.errors++;
    this.services.logger.warn(
      `IPC connection ${this.peer.connectionId}: closed because its pending writes made no progress for ` +
        `${this.services.config.timeouts.writeTimeoutMs} ms (write_timeout_ms); the client is not reading its answers`,
    );
  }

  connectionClosed(): void {
    this.released = true;
    this.closing = true;
    this.services.inFlight.end(this.pending);
    this.pending = 0;
    this.backlog = [];
    for (const call of [...this.calls]) call.cancel();
    this.calls.clear();
    this.services.subscriptions.removeTarget(this);
  }

  // ---- PushTarget: the per-push hook ----

  offerPush(frame: Buffer): boolean {
    // §5.4: never wait; a full push buffer (pushes not yet taken by the kernel) drops this one.
    return !this.closing && this.transport.offerPush(frame);
  }

  // ---- AnswerSink: the one way answers go back ----

  sendPart(frame: Buffer): Promise<void> | undefined {
    this.transport.send(frame);
    return this.transport.whenWritable();
  }

  sendFinal(call: PendingCall, frame: Buffer, failed: boolean): void {
    if (failed) this.services.counters.errors++;
    this.calls.delete(call);
    this.answer(frame);
  }

  reportHiddenError(err: unknown, correlationId: string): void {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.services.logger.warn(
      `IPC request ${correlationId} on connection ${this.peer.connectionId} failed in its handler (${text}); ` +
        'the client got the no-reply IO_ERROR because compat.handler_errors = "hidden"',
      err,
    );
  }

  // ---- frame order and the serial backlog ----

  private accept(item: Inbound): void {
    if (this.closing) return;
    if (this.serial && (this.pending > 0 || this.backlog.length > 0)) {
      this.backlog.push(item);
      if (this.backlog.length >= SERIAL_BACKLOG_PAUSE) this.transport.pauseReading(true);
      return;
    }
    this.process(item);
  }

  private process(item: Inbound): void {
    if ('framingError' in item) return this.framingFailure(item.framingError);
    const handle = this.frameHandlers[item.type];
    if (!handle) return; // §1.6: Response/Error/Push/Stream sent by a client are ignored, no counter changes.
    try {
      handle(item);
    } catch (err) {
      // Every failure is answered where it happens; reaching here is a bug, not the client's fault.
      this.services.counters.errors++;
      this.services.logger.error(
        `IPC connection ${this.peer.connectionId}: frame type 0x${item.type.toString(16)} could not be handled: ` +
          `${String(err)}; closing the connection`,
        err,
      );
      this.close();
    }
  }

  /** Serial mode (§3.5 reference behaviour): the next frame only once nothing is pending. */
  private drainBacklog(): void {
    if (this.pumping) return; // the outer loop continues (no recursion through synchronous answers)
    this.pumping = true;
    try {
      while (this.backlog.length > 0 && this.pending === 0 && !this.closing) this.process(this.backlog.shift()!);
    } finally {
      this.pumping = false;
    }
    if (this.backlog.length < SERIAL_BACKLOG_PAUSE && !this.closing) this.transport.pauseReading(false);
  }

  /** §1.6 steps 2–5 with our D3: one error frame, stop reading, close after what is queued. */
  private framingFailure(error: FramingError): void {
    this.services.counters.errors++;
    this.services.logger.warn(
      `IPC connection ${this.peer.connectionId}: ${error.message}; sent the error frame and closed the connection ` +
        '(the client does not speak the framing of docs/protocol.md §1)',
    );
    const body = {
      correlation_id: ReservedCorrelationId.PROTOCOL_ERROR,
      success: false,
      error: error.message,
      error_code: error.code,
    };
    this.transport.send(JSON_CODEC.encodeFrame(MessageType.ERROR, body));
    this.inputEnded = true;
    this.closeIfFinished();
  }

  /** After EOF or a framing error: close once every accepted request is answered. */
  private closeIfFinished(): void {
    if (this.inputEnded && this.pending === 0 && (this.backlog.length === 0 || this.closing)) this.close();
  }

  // ---- requests (§3.1) ----

  private request(frame: Frame): void {
    const { counters, inFlight, router } = this.services;
    counters.messagesReceived++;
    const codec = codecFor(frame.format);
    if (inFlight.draining) {
      // Step 2, before the limiter: no token taken; streams too are answered 0x03 (§3.4).
      counters.shutdownRejections++;
      return this.transport.send(errorFrame(codec, idOf(codec, frame.payload), SHUTTING_DOWN));
    }
    const retryAfterMs = this.rateLimiter.take();
    if (retryAfterMs >= 0) {
      counters.rateLimited++;
      const limited = { code: ErrorCode.RATE_LIMITED, message: `Rate limit exceeded, retry after ${retryAfterMs}ms` };
      const id = idOf(codec, frame.payload);
      return this.transport.send(errorFrame(codec, id, limited, { retry_after_ms: retryAfterMs })); // D4
    }
    this.pending++;
    inFlight.begin();
    const parsed = decodeWith(codec, frame.payload, parseEnvelope);
    if (!parsed.ok) {
      // Step 4: id "unknown" even when a correlation_id was readable.
      counters.errors++;
      const message = `Failed to parse envelope: Serialization error: ${parsed.detail}`;
      return this.answer(errorFrame(codec, UNKNOWN_ID, { code: ErrorCode.SERIALIZATION_ERROR, message }));
    }
    const envelope = parsed.value;
    const stream = envelope.expects_stream === true; // wins over expects_reply
    const denied = this.services.authorize?.(envelope, this.peer);
    if (denied) return this.refuse(envelope.correlation_id, codec, stream, { failure: denied, counter: 'errors' });
    const target = router.resolve(envelope, stream);
    if ('failure' in target) return this.refuse(envelope.correlation_id, codec, stream, target);
    this.inOrder(
      target.message,
      (message) => this.deliver(envelope, message, target.ref, codec, stream),
      (err) => this.refuse(envelope.correlation_id, codec, stream, serializationFailure(err)),
    );
  }

  /** Step 8 and what follows it: §3.2 fire-and-forget, §3.3 request-response, §3.4 stream. */
  private deliver(
    envelope: RequestEnvelope,
    message: object,
    ref: ActorRef,
    codec: PayloadCodec,
    stream: boolean,
  ): void {
    const { counters, router } = this.services;
    const id = envelope.correlation_id;
    if (!stream && envelope.expects_reply !== true) {
      // §3.2: fire-and-forget is acknowledged at once, without waiting for the handler.
      const failure = router.deliver(
        ref,
        { message, wireName: envelope.message_type, correlationId: id, peer: this.peer },
        false,
      );
      if (failure) return this.refuse(id, codec, false, failure);
      counters.messagesProcessed++;
      return this.answer(deliveredFrame(codec, id));
    }
    const Call = stream ? PendingStream : PendingRequest;
    const call = new Call(message, envelope.message_type, id, this.peer, timeoutOf(envelope), codec, this);
    const failure = router.deliver(ref, call.delivery, stream);
    if (failure) return this.refuse(id, codec, stream, failure);
    counters.messagesProcessed++;
    if (call.settled) return; // answered synchronously while being enqueued
    this.calls.add(call);
    call.start(); // "the deadline starts after the enqueue"
  }

  /** Answers a request that did not reach its handler (§3.1 / §3.4 tables; streams: sequence 0). */
  private refuse(id: string, codec: PayloadCodec, stream: boolean, { failure, counter }: RouteFailure): void {
    this.services.counters[counter]++;
    this.answer(stream ? streamErrorFrame(codec, id, 0, failure) : errorFrame(codec, id, failure));
  }

  /**
   * Runs `proceed` with the decoded message in frame-arrival order (§0 D2: enqueues to actors
   * keep arrival order even when a payload's validation is asynchronous); `fail` with its error.
   */
  private inOrder(
    decoded: object | Promise<object>,
    proceed: (message: object) => void,
    fail: (err: unknown) => void,
  ): void {
    if (!this.orderGate && !isThenable(decoded)) return proceed(decoded);
    const gate: Promise<unknown> = (this.orderGate ?? Promise.resolve())
      .then(() => decoded)
      .then(
        (message) => (this.released ? undefined : proceed(message)),
        (err: unknown) => (this.released ? undefined : fail(err)),
      );
    this.orderGate = gate;
    void gate.then(() => {
      if (this.orderGate === gate) this.orderGate = undefined;
    });
  }

  /** Queues a request's final frame: it is no longer in flight. */
  private answer(frame: Buffer): void {
    this.transport.send(frame);
    if (this.released) return; // already released when the connection closed
    this.pending--;
    this.services.inFlight.end();
    if (this.pending > 0) return;
    this.transport.restartReadTimer(); // §5.3: the idle clock restarts once nothing is being handled
    if (this.serial) this.drainBacklog();
    this.closeIfFinished();
  }

  // ---- subscriptions (§2.5, §2.6) and discovery (§2.7) ----

  private subscription(frame: Frame, subscribe: boolean): void {
    const codec = codecFor(frame.format);
    const struct = subscribe ? 'IpcSubscribeRequest' : 'IpcUnsubscribeRequest';
    const parsed = decodeWith(codec, frame.payload, (body) => parseSubscriptionRequest(body, struct));
    if (!parsed.ok) {
      this.services.counters.errors++;
      const error = `Parse error: Serialization error: ${parsed.detail}`;
      return this.transport.send(
        codec.encodeFrame(MessageType.ERROR, {
          correlation_id: UNKNOWN_ID,
          success: false,
          error,
          subscribed_types: [],
        }),
      );
    }
    const { subscriptions } = this.services;
    const names = parsed.value.message_types;
    const types = subscribe ? subscriptions.subscribe(this, names) : subscriptions.unsubscribe(this, names);
    this.applyReadTimeout();
    const body = { correlation_id: parsed.value.correlation_id, success: true, subscribed_types: types };
    this.transport.send(codec.encodeFrame(MessageType.RESPONSE, body));
  }

  private discover(frame: Frame): void {
    const codec = codecFor(frame.format);
    const parsed = decodeWith(codec, frame.payload, parseDiscoverRequest);
    if (!parsed.ok) {
      this.services.counters.errors++;
      const error = `Parse error: Serialization error: ${parsed.detail}`;
      return this.transport.send(
        codec.encodeFrame(MessageType.ERROR, { correlation_id: UNKNOWN_ID, success: false, error }),
      );
    }
    this.transport.send(codec.encodeFrame(MessageType.RESPONSE, this.services.discovery.respond(parsed.value)));
  }

  /** §5.3: which read timeout applies depends on whether the connection has subscriptions. */
  private applyReadTimeout(): void {
    const { readTimeoutMs, subscriptionReadTimeoutMs } = this.services.config.timeouts;
    const subscribed = this.services.subscriptions.subscriptionCount(this) > 0;
    this.transport.setReadTimeout(subscribed ? subscriptionReadTimeoutMs : readTimeoutMs);
  }
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

/** The id for answers given before step 4: the envelope's when it decodes, else "unknown" (§3.1). */
function idOf(codec: PayloadCodec, payload: Buffer): string {
  const parsed = decodeWith(codec, payload, parseEnvelope);
  return parsed.ok ? parsed.value.correlation_id : UNKNOWN_ID;
}

function timeoutOf(envelope: RequestEnvelope): number {
  const value: unknown = envelope.response_timeout_ms;
  if (value === undefined) return DEFAULT_RESPONSE_TIMEOUT_MS;
  return typeof value === 'bigint' ? Number(value) : (value as number);
}
