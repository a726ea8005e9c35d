/*
 * The server's request path, one direction (docs/protocol.md §1, §3, §5):
 *
 *   socket bytes
 *     → FramedSocket (framed-socket.ts)            decode frames, idle clock; FrameReceiver.frame()
 *     → RequestPipeline.accept                     serial backlog (compat.serial, §3.5)
 *     → frameHandlers[frame.type]                  request | heartbeat | (un)subscribe | patterns | discover
 *   request (§3.1):
 *     → draining?                                  SHUTTING_DOWN, no token taken (§5.5)
 *     → rateLimiter.take()                         RATE_LIMITED + retry_after_ms (§5.1, D4)
 *     → in flight + 1                              InFlightRequests (§7), read clock paused (§5.3)
 *     → parse envelope                             SERIALIZATION_ERROR, id "unknown" (step 4)
 *     → ConnectionGuard.decide                     security policy, §11.2 (ACCESS_DENIED)
 *     → RequestRouter.resolve                      target + type + payload decode (steps 6–7)
 *     → inOrder                                    arrival order across async validation (§0 D2)
 *     → RequestRouter.deliver                      enqueue without waiting (step 8)
 *     → PendingRequest / PendingStream             deadline, ctx.signal (pending-calls.ts)
 *   answers:
 *     actor → ReplySink (the pending call) → AnswerSink (this pipeline) → FrameTransport.send
 *   pushes:
 *     SubscriptionManager → PushTarget.offerPush (this pipeline: per-push authorization) → transport
 *
 * Connections are admitted by `IpcListener.admit` (peer credentials, connection limit, the
 * security policy's `admit`, before any frame is read). The pipeline talks to its connection only through the
 * `FrameTransport` port; the transport talks back only through `FrameReceiver`.
 */
import { ErrorCode } from '../../core/errors/error-code';
import { ActorRef } from '../../core/runtime/actor-ref';
import { DeadlineTimers } from '../../core/runtime/deadline-timers';
import { isThenable } from '../../core/runtime/handler-invocation';
import { Logger } from '../../core/runtime/logger';
import { PeerInfo } from '../../core/runtime/message-context';
import { IpcConfig } from '../config/ipc-config';
// The protocol's public index, so that this file does not depend on how lib/ipc/protocol splits its files.
import {
  codecFor,
  Parsed,
  parseDiscoverRequest,
  parseEnvelope,
  parseSubscriptionRequest,
  PayloadCodec,
  traceContextOf,
} from '../protocol';
import { HEARTBEAT_FRAME } from '../protocol/frame-encoder';
import { FramingError } from '../protocol/framing-error';
import { JSON_CODEC } from '../protocol/json-codec';
import {
  parsePatternSubscriptionRequest,
  PatternErrors,
  PatternSubscriptionResponse,
} from '../protocol/pattern-subscription';
import { ConnectionGuard } from '../security/connection-guard';
import { Decision } from '../security/policy-decision';
import { IpcOperation, SecurityPolicy } from '../security/security-policy';
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
import { AnswerSink, OpenCalls, PendingCall, PendingRequest, PendingStream } from './pending-calls';
import { RateLimiter } from './rate-limiter';
import { deliveredFrame, errorFrame, streamErrorFrame } from './reply-frames';
import { RequestRouter, RouteFailure, serializationFailure, SHUTTING_DOWN } from './request-router';
import { PushTarget, SubscriptionManager } from './subscription-manager';

/** In serial mode, stop reading from the socket while this many frames wait their turn. */
const SERIAL_BACKLOG_PAUSE = 256;
const UNKNOWN_ID = ReservedCorrelationId.UNKNOWN;

/** What the pipelines of one listener share (§3.5: the actors, the registries and the stats). */
export interface PipelineServices {
  readonly config: IpcConfig;
  readonly logger: Logger;
  readonly router: RequestRouter;
  readonly subscriptions: SubscriptionManager;
  readonly discovery: Discovery;
  readonly counters: RequestCounters;
  readonly inFlight: InFlightRequests;
  /** The deadlines of calls, on the app's `Clock` (`deadlineTimersFor(app.clock)`); default the system clock's. */
  readonly deadlines?: DeadlineTimers;
  /** The security policy (docs/protocol.md §11.2); none: every operation is allowed. */
  readonly policy?: SecurityPolicy;
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
  private readonly calls = new OpenCalls();
  private readonly guard: ConnectionGuard;
  /** Aborted by `revoke()`: messages of this connection that have not started are skipped (§11.2). */
  private readonly withdrawn = new AbortController();
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
      [MessageType.SUBSCRIBE_PATTERNS]: (frame) => this.patternSubscription(frame, true),
      [MessageType.UNSUBSCRIBE_PATTERNS]: (frame) => this.patternSubscription(frame, false),
    };
    this.guard = new ConnectionGuard(services.policy, transport.peer);
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

  /**
   * Revocation (docs/protocol.md §11.2): drops the subscriptions, skips the messages this
   * connection queued that have not started, and closes the socket at once without a frame
   * (pending requests and streams get no answer; the in-flight accounting is released when the
   * socket has closed). Later policy checks deny "Connection has been revoked".
   */
  revoke(): void {
    if (this.released) return;
    this.guard.revoke();
    this.closing = true;
    this.withdrawn.abort();
    this.services.subscriptions.removeTarget(this);
    this.transport.close(false);
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
    this.calls.cancelAll();
    this.services.subscriptions.removeTarget(this);
  }

  // ---- PushTarget: the per-push hook ----

  offerPush(frame: Buffer, messageType: string): boolean | Promise<boolean> {
    // §5.4: never wait; a full push buffer (pushes not yet taken by the kernel) drops this one.
    if (this.closing) return false;
    if (!this.guard.active) return this.transport.offerPush(frame);
    // §11.2: each push is authorized on its own (never cached); a refused one counts as dropped.
    const offer = (decision: Decision): boolean => {
      if (decision.outcome === 'fail') this.policyFailed(decision.error);
      return decision.outcome === 'allow' && !this.closing && this.transport.offerPush(frame);
    };
    const decision = this.guard.decide({ kind: 'deliver', messageType });
    return isThenable(decision) ? decision.then(offer) : offer(decision);
  }

  // ---- AnswerSink: the one way answers go back ----

  sendPart(frame: Buffer): Promise<void> | undefined {
    this.transport.send(frame, 'part');
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
    const { counters, inFlight } = this.services;
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
    if (this.guard.active) return this.authorizeRequest(envelope, codec, stream);
    this.route(envelope, codec, stream);
  }

  /** Steps 6–7, then step 8 in arrival order. */
  private route(envelope: RequestEnvelope, codec: PayloadCodec, stream: boolean): void {
    const target = this.services.router.resolve(envelope, stream);
    if ('failure' in target) return this.refuse(envelope.correlation_id, codec, stream, target);
    // The common case, decoded at once with nothing waiting ahead: no closures (bench W1).
    if (!this.orderGate && !isThenable(target.message))
      return this.deliver(envelope, target.message, target.ref, codec, stream);
    this.inOrder(
      target.message,
      (message) => this.deliver(envelope, message, target.ref, codec, stream),
      (err) => this.refuse(envelope.correlation_id, codec, stream, serializationFailure(err)),
    );
  }

  /**
   * §11.2: requests are authorized after rate limiting and envelope parsing, before the actor and
   * type are looked up; a denial is `ACCESS_DENIED` (`0x03`, or a `0x09` frame for a stream).
   */
  private authorizeRequest(envelope: RequestEnvelope, codec: PayloadCodec, stream: boolean): void {
    const id = envelope.correlation_id;
    const denied = (reason: string): void =>
      this.refuse(id, codec, stream, {
        failure: { code: ErrorCode.ACCESS_DENIED, message: reason },
        counter: 'accessDenied',
      });
    const decision = this.guard.decide({ kind: 'request', envelope });
    if (!isThenable(decision)) {
      if (decision.outcome === 'allow') return this.route(envelope, codec, stream);
      return decision.outcome === 'deny' ? denied(decision.reason) : this.policyFailed(decision.error);
    }
    // An asynchronous verdict joins the arrival-order gate, so enqueues keep frame order (§0 D2).
    const routed = decision.then((verdict): RoutedRequest | Promise<RoutedRequest> => {
      if (verdict.outcome === 'deny') throw new Settled(() => denied(verdict.reason));
      if (verdict.outcome === 'fail') throw new Settled(() => this.policyFailed(verdict.error));
      const target = this.services.router.resolve(envelope, stream);
      if ('failure' in target) throw new Settled(() => this.refuse(id, codec, stream, target));
      return Promise.resolve(target.message).then((message) => ({ ref: target.ref, message }));
    });
    this.inOrder(
      routed,
      (value) => this.deliver(envelope, (value as RoutedRequest).message, (value as RoutedRequest).ref, codec, stream),
      (err) => (err instanceof Settled ? err.answer() : this.refuse(id, codec, stream, serializationFailure(err))),
    );
  }

  /**
   * Runs an operation past the security policy (§11.2): `allowed` now or once decided, `denied`
   * with the reason (counted in `accessDenied`). Without a policy, `allowed` at once.
   */
  private authorized(operation: () => IpcOperation, allowed: () => void, denied: (reason: string) => void): void {
    if (!this.guard.active) return allowed();
    const follow = (decision: Decision): void => {
      if (this.released) return;
      if (decision.outcome === 'allow') return allowed();
      if (decision.outcome === 'fail') return this.policyFailed(decision.error);
      this.services.counters.accessDenied++;
      denied(decision.reason);
    };
    const decision = this.guard.decide(operation());
    if (isThenable(decision)) void decision.then(follow);
    else follow(decision);
  }

  /** §11.2: a policy that throws closes this connection without a frame; others are unaffected. */
  private policyFailed(err: unknown): void {
    if (this.released) return;
    this.services.counters.errors++;
    this.services.logger.error(
      `IPC connection ${this.peer.connectionId}: the security policy threw (${err instanceof Error ? err.message : String(err)}); ` +
        "closed the connection without a frame. A policy denies by returning or throwing ActorError('ACCESS_DENIED', why)",
      err,
    );
    this.closing = true;
    this.transport.close(false);
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
      // §3.2: fire-and-forget is acknowledged once enqueued, without waiting for the handler; an
      // actor on another node acknowledges when its mailbox took the message.
      const outcome = router.tell(ref, {
        message,
        wireName: envelope.message_type,
        correlationId: id,
        peer: this.peer,
        traceContext: traceContextOf(envelope),
        withdrawn: this.withdrawn.signal,
      });
      if (!isThenable(outcome)) return this.told(id, codec, outcome);
      void outcome.then((failure) => this.told(id, codec, failure));
      return;
    }
    const Call = stream ? PendingStream : PendingRequest;
    const timeoutMs = timeoutOf(envelope);
    const call = new Call(
      message,
      envelope.message_type,
      id,
      this.peer,
      timeoutMs,
      codec,
      this,
      this.withdrawn.signal,
      this.services.deadlines,
    );
    if (envelope.trace_context !== undefined) call.traceContext = traceContextOf(envelope);
    // At once: this runs from the socket's read callback (or a Promise reaction of the order
    // gate), not from an actor's handler, so an idle actor may start it on this stack. Not in
    // serial mode, where an answer (given inside a handler) starts the next frame of the
    // backlog, nor with a deadline of 0, which expires before the handler runs (§3.3).
    const failure = router.deliver(ref, call, stream, !this.serial && timeoutMs !== 0);
    if (failure) return this.refuse(id, codec, stream, failure);
    counters.messagesProcessed++;
    if (call.settled) return; // answered synchronously while being enqueued
    this.calls.add(call);
    call.start(); // "the deadline starts after the enqueue"
  }

  /** Answers a fire-and-forget: `delivered`, or why its enqueue was refused (§3.2). */
  private told(id: string, codec: PayloadCodec, failure: RouteFailure | undefined): void {
    if (failure) return this.refuse(id, codec, false, failure);
    this.services.counters.messagesProcessed++;
    this.answer(deliveredFrame(codec, id));
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
    const { correlation_id: id, message_types: names } = parsed.value;
    this.authorized(
      () => ({ kind: subscribe ? 'subscribe' : 'unsubscribe', messageTypes: names }),
      () => {
        const types = subscribe ? subscriptions.subscribe(this, names) : subscriptions.unsubscribe(this, names);
        this.applyReadTimeout();
        this.transport.send(
          codec.encodeFrame(MessageType.RESPONSE, { correlation_id: id, success: true, subscribed_types: types }),
        );
      },
      // §11.2: 0x03, the reason in the text, no error_code.
      (reason) => {
        const body = {
          correlation_id: id,
          success: false,
          error: `${ACCESS_DENIED_PREFIX}${reason}`,
          subscribed_types: [],
        };
        this.transport.send(codec.encodeFrame(MessageType.ERROR, body));
      },
    );
  }

  /**
   * SubscribePatterns / UnsubscribePatterns (docs/protocol.md §11.1): always answered `0x02` in
   * the request's format, `subscribed_patterns` sorted on success and `[]` on failure. Order:
   * parse, authorize (§11.2: before the rate limiter), one rate-limit token, validate, apply.
   */
  private patternSubscription(frame: Frame, subscribe: boolean): void {
    const { counters, subscriptions } = this.services;
    const codec = codecFor(frame.format);
    const answer = (id: string, patterns: readonly string[], error?: string): void => {
      const body: PatternSubscriptionResponse =
        error === undefined
          ? { correlation_id: id, success: true, subscribed_patterns: patterns }
          : { correlation_id: id, success: false, error, subscribed_patterns: [] };
      this.transport.send(codec.encodeFrame(MessageType.RESPONSE, body));
    };
    const struct = subscribe ? 'IpcSubscribePatternsRequest' : 'IpcUnsubscribePatternsRequest';
    const parsed = decodeWith(codec, frame.payload, (body) => parsePatternSubscriptionRequest(body, struct));
    if (!parsed.ok) {
      counters.errors++;
      return answer(UNKNOWN_ID, [], `Parse error: Serialization error: ${parsed.detail}`);
    }
    const { correlation_id: id, patterns } = parsed.value;
    this.authorized(
      () => ({ kind: subscribe ? 'subscribe-patterns' : 'unsubscribe-patterns', patterns }),
      () => {
        if (this.rateLimiter.take() >= 0) {
          counters.rateLimited++;
          return answer(id, [], PatternErrors.RATE_LIMITED);
        }
        const change = subscribe
          ? subscriptions.subscribePatterns(this, patterns)
          : subscriptions.unsubscribePatterns(this, patterns);
        if ('error' in change) return answer(id, [], change.error);
        this.applyReadTimeout();
        answer(id, change.patterns);
      },
      (reason) => answer(id, [], `${ACCESS_DENIED_PREFIX}${reason}`),
    );
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
    this.authorized(
      () => ({ kind: 'discover' }),
      () => this.transport.send(codec.encodeFrame(MessageType.RESPONSE, this.services.discovery.respond(parsed.value))),
      // §11.2: 0x03, the reason in the text, no error_code.
      (reason) => {
        const body = {
          correlation_id: parsed.value.correlation_id,
          success: false,
          error: `${ACCESS_DENIED_PREFIX}${reason}`,
        };
        this.transport.send(codec.encodeFrame(MessageType.ERROR, body));
      },
    );
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

/** What a request resolved to once an asynchronous authorization allowed it. */
interface RoutedRequest {
  readonly ref: ActorRef;
  readonly message: object;
}

/** Thrown through the arrival-order gate when a request was already answered (denied or refused). */
class Settled {
  constructor(readonly answer: () => void) {}
}

/** How subscription and discovery denials start their `error` text (docs/protocol.md §11.2). */
const ACCESS_DENIED_PREFIX = 'ACCESS_DENIED: ';
