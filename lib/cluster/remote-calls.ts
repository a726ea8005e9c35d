import { ActorError } from '../core/errors/actor-error';
import { ErrorCode } from '../core/errors/error-code';
import { Delivery } from '../core/runtime/delivery';
import { Instrumentation, MessageTracker } from '../core/runtime/instrumentation';
import { Logger } from '../core/runtime/logger';
import { WirePayload } from '../core/runtime/wire-payload';
import { BodyCodec, ClusterSubjects, ErrorBody, Frame, Mode, splitMeta, withMeta } from './cluster-wire';
import { ClusterCounters } from './cluster-stats';
import { NatsConnectionLike, NatsMessage, NatsSubscription } from './nats-port';
import { decodeBatch, TurnBatcher } from './turn-batcher';

const NOT_STARTED = Symbol('acton-ts.notStarted');

/**
 * Whether `err` says a keyed call's node was lost before the call's handler started (no `r` frame
 * came back): sending the call again cannot apply it twice.
 */
export function wasNotStarted(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { [NOT_STARTED]?: boolean })[NOT_STARTED] === true;
}

/** Data frames a caller accepts before it grants more credit. */
export const STREAM_WINDOW = 256;

const EMPTY = new Uint8Array(0);
const NOTHING = (): void => undefined;

interface InFlightCall {
  readonly id: string;
  readonly name: string;
  /** A keyed call: its node tells when the handler starts (a `r` frame), so it can be re-sent until then. */
  readonly keyed: boolean;
  /** Whether the serving node reported the handler started (or sent a reply). */
  started: boolean;
  readonly sink?: Delivery['sink'];
  /** Node serving the call: known up front for an owned singleton, else from its first frame. */
  owner?: string;
  /** Data frames consumed since the last credit grant. */
  consumed: number;
  readonly unwatch: () => void;
  readonly timer?: NodeJS.Timeout;
  /** The batch it travelled in (for NATS "no responders", which answers the batch as a whole). */
  batch?: CallBatch;
  /** The caller's span, when a tracer follows outbound calls; finished with the outcome. */
  tracker?: MessageTracker;
  /** A fire-and-forget whose caller waits for its delivery ack (`sendAcknowledged`). */
  acknowledged?: { readonly resolve: () => void; readonly reject: (err: ActorError) => void };
}

/** Calls that travelled in one NATS message: a "no responders" status fails them all. */
interface CallBatch {
  readonly id: string;
  readonly calls: readonly InFlightCall[];
  /** Calls of the batch still in flight; the batch is forgotten at 0. */
  open: number;
}

/**
 * The calling side of remote calls: publishes each call once to the actor's subject, with a
 * reply subject under this node's inbox, and turns the frames that come back into `ReplySink`
 * calls. Calls to one subject made in the same event-loop turn travel as one NATS message
 * (`TurnBatcher`; a lone call goes out unbatched), and reply frames may come back batched. Owns
 * the calls in flight: fails them typed when the serving node is gone (`NODE_UNAVAILABLE`), the
 * connection drops (`CONNECTION_CLOSED`) or nobody serves the name (`ACTOR_NOT_FOUND`, from NATS
 * "no responders"), and grants stream credit as the caller's sink consumes (backpressure end to
 * end: at most `STREAM_WINDOW` frames buffered per stream).
 */
export class RemoteCalls {
  private readonly calls = new Map<string, InFlightCall>();
  private readonly batches = new Map<string, CallBatch>();
  private readonly outbox: TurnBatcher<InFlightCall>;
  private readonly inbox: string;
  private subscription?: NatsSubscription;
  private nextId = 1;
  /** False while NATS is unreachable: new calls fail at once. */
  connected = true;

  constructor(
    private readonly link: NatsConnectionLike,
    private readonly subjects: ClusterSubjects,
    private readonly codec: BodyCodec,
    private readonly counters: ClusterCounters,
    private readonly logger: Logger,
    /** How long a fire-and-forget waits for its delivery ack before it is forgotten (ms). */
    private readonly ackTimeoutMs: number,
    selfId: string,
    /** The app's instrumentation port: a tracer's outbound probe follows each call sent. */
    private readonly instrumentation?: Instrumentation,
  ) {
    this.inbox = subjects.replies(selfId);
    this.outbox = new TurnBatcher<InFlightCall>(link, {
      address: (subject, calls) => ({ subject, reply: this.replySubjectOf(calls) }),
      wanted: (call) => this.calls.has(call.id),
      failed: (calls, err) => {
        const why = err instanceof Error ? err.message : String(err);
        for (const call of calls) this.fail(call, closedError(call.name, why));
      },
    });
  }

  /** Calls sent and not finished. */
  get inFlight(): number {
    return this.calls.size;
  }

  /** Starts receiving reply frames. */
  start(): void {
    this.subscription = this.link.subscribe(`${this.inbox}.>`, { callback: (err, msg) => err || this.onMessage(msg) });
  }

  /**
   * Sends `delivery` to actor `name` on NATS. Replies go to `delivery.sink`; without a sink it
   * is a fire-and-forget whose failure is logged.
   * @param owner the node known to serve it (a singleton's owner), for `NODE_UNAVAILABLE`
   * @param subject where to publish it (default the actor's subject; keyed calls go to a node's)
   * @param keyed a call to a key: if its node is lost before the handler started, it fails with an
   *   error `wasNotStarted` recognises, so it can be sent again to the key's next node
   * @throws ActorError `CONNECTION_CLOSED` while NATS is down, `SERIALIZATION_ERROR` naming both
   *   sizes when the body exceeds the server's max_payload
   */
  send(
    name: string,
    delivery: Delivery,
    owner: string | undefined,
    subject = this.subjects.actor(name),
    keyed = false,
  ): void {
    this.publishCall(name, delivery, owner, subject, keyed);
  }

  /**
   * Sends fire-and-forget `delivery` (no sink) to actor `name` and reports its delivery ack
   * (docs/protocol.md §3.2): resolves when the owner's mailbox took it; rejects with the typed
   * error when nobody serves the name (`ACTOR_NOT_FOUND`), the owner refused it (e.g.
   * `TARGET_BUSY`), its node left (`NODE_UNAVAILABLE`), NATS dropped (`CONNECTION_CLOSED`) or no
   * ack came within the ack timeout (`TIMEOUT`).
   * @param subject as for `send` (a tell to a key goes to its node's keyed subject)
   * @param keyed as for `send`
   * @throws ActorError as `send`
   */
  sendAcknowledged(
    name: string,
    delivery: Delivery,
    owner: string | undefined,
    subject = this.subjects.actor(name),
    keyed = false,
  ): Promise<void> {
    const call = this.publishCall(name, delivery, owner, subject, keyed);
    return new Promise<void>((resolve, reject) => {
      call.acknowledged = { resolve, reject };
    });
  }

  private publishCall(
    name: string,
    delivery: Delivery,
    owner: string | undefined,
    subject: string,
    keyed: boolean,
  ): InFlightCall {
    if (!this.connected || this.link.isClosed()) {
      throw closedError(name, 'the connection to NATS is down (reconnecting; retry later)');
    }
    const mode = delivery.sink ? Mode.STREAM : Mode.TELL;
    const id = String(this.nextId++);
    const outbound = this.instrumentation?.outboundProbe?.outbound(name, delivery);
    const carried = outbound?.traceContext;
    const credit = delivery.sink ? STREAM_WINDOW : undefined;
    const body = this.codec.encodeWithMeta(
      [mode, delivery.wireName, delivery.deadline, credit, id, carried?.traceparent, carried?.tracestate],
      delivery.message instanceof WirePayload ? delivery.message.value : delivery.message,
    );
    const limit = this.link.info?.max_payload;
    if (limit !== undefined && body.length > limit) {
      outbound?.tracker.finished(new ActorError(ErrorCode.SERIALIZATION_ERROR, 'body over max_payload'));
      throw new ActorError(
        ErrorCode.SERIALIZATION_ERROR,
        `Message ${delivery.wireName} to actor '${name}' is ${body.length} bytes, more than the NATS ` +
          `server's max_payload of ${limit} bytes; send less or raise max_payload in nats-server's configuration`,
      );
    }
    const onAbort = (): void => this.cancel(id);
    const sink = delivery.sink;
    // A sink that reports its abort directly spares the AbortSignal (created only when read).
    const signal = sink?.whenAborted ? undefined : delivery.signal;
    if (sink?.whenAborted) sink.whenAborted(onAbort);
    else signal?.addEventListener('abort', onAbort, { once: true });
    const timer = delivery.sink ? undefined : setTimeout(() => this.forget(id, 'no delivery ack'), this.ackTimeoutMs);
    timer?.unref();
    const call: InFlightCall = {
      id,
      name,
      keyed,
      started: false,
      sink: delivery.sink,
      owner,
      consumed: 0,
      unwatch: signal ? () => signal.removeEventListener('abort', onAbort) : NOTHING,
      timer,
      tracker: outbound?.tracker,
    };
    this.calls.set(id, call);
    this.outbox.add(subject, body, call);
    this.counters.remoteCallsSent++;
    this.counters.bytesSent += body.length;
    return call;
  }

  /** Fails the calls served by `nodeId` with `NODE_UNAVAILABLE`: it left the cluster. */
  nodeGone(nodeId: string, reason: string): void {
    for (const call of [...this.calls.values()]) {
      if (call.owner !== nodeId) continue;
      // Only a call with a reply sink is re-sent (KeyedCallRetry); a tell's outcome stays unknown.
      if (call.keyed && !call.started && call.sink) {
        const err = new ActorError(
          ErrorCode.NODE_UNAVAILABLE,
          `Node '${nodeId}' hosting '${call.name}' left the cluster (${reason}) before the call's handler ` +
            `started; it is sent to the key's next node`,
        );
        this.fail(call, Object.assign(err, { [NOT_STARTED]: true }));
        continue;
      }
      this.fail(
        call,
        new ActorError(
          ErrorCode.NODE_UNAVAILABLE,
          `Node '${nodeId}' serving actor '${call.name}' left the cluster (${reason}) with the call in ` +
            `flight; its outcome is unknown`,
        ),
      );
    }
  }

  /** Fails every call in flight with `CONNECTION_CLOSED`: the connection to NATS dropped. */
  connectionLost(): void {
    for (const call of [...this.calls.values()]) {
      this.fail(
        call,
        closedError(call.name, 'the connection to NATS dropped with the call in flight; its outcome is unknown'),
      );
    }
  }

  /** Stops receiving; calls still in flight fail `CONNECTION_CLOSED`. */
  stop(): void {
    this.outbox.flush();
    this.connectionLost();
    this.subscription?.unsubscribe();
  }

  /**
   * The reply subject of calls travelling together: a lone call's own (`<inbox>.<id>`), else the
   * batch's (`<inbox>.n<batch>`), which only ever gets NATS's "no responders" status.
   */
  private replySubjectOf(calls: readonly InFlightCall[]): string {
    if (calls.length === 1) return `${this.inbox}.${calls[0]!.id}`;
    const batch: CallBatch = { id: `n${calls[0]!.id}`, calls, open: calls.length };
    for (const call of calls) call.batch = batch;
    this.batches.set(batch.id, batch);
    return `${this.inbox}.${batch.id}`;
  }

  private onMessage(msg: NatsMessage): void {
    const headers = msg.headers;
    if (headers?.hasError) {
      const token = msg.subject.slice(this.inbox.length + 1);
      const calls = this.batches.get(token)?.calls ?? [this.calls.get(token)];
      for (const call of calls) if (call && this.calls.has(call.id)) this.notServed(call, headers.code);
      return;
    }
    this.counters.bytesReceived += msg.data.length;
    for (const frame of decodeBatch(msg.data)) this.onFrame(frame);
  }

  /** NATS "no responders" (503): nobody subscribes to the actor's subject right now. */
  private notServed(call: InFlightCall, status: number): void {
    const text =
      status === 503
        ? `no node serves actor '${call.name}' (NATS: no responders)`
        : `NATS status ${status} for a call to actor '${call.name}'`;
    this.fail(call, new ActorError(ErrorCode.ACTOR_NOT_FOUND, `Actor not found: ${text}`));
  }

  private onFrame(data: Uint8Array): void {
    const { fields, body } = splitMeta(data);
    const call = this.calls.get(fields[2] ?? '');
    if (!call) return;
    call.owner ??= fields[1] || undefined;
    if (fields[0] !== Frame.STARTED) call.started = true;
    switch (fields[0]) {
      case Frame.DATA:
        return this.data(call, this.codec.decode(body));
      case Frame.COMPLETE:
        if (body.length > 0) call.sink?.next(this.codec.decode(body));
        this.finish(call);
        return call.sink?.complete();
      case Frame.ACK:
        this.finish(call);
        return call.acknowledged?.resolve();
      case Frame.STARTED:
      case Frame.RECEIVED:
        return; // only its node id, and that the handler started, mattered (recorded above)
      case Frame.ERROR: {
        const failure = this.codec.decode(body) as ErrorBody;
        return this.fail(call, new ActorError(failure.code, failure.message, failure.data as never));
      }
      default:
        return;
    }
  }

  private data(call: InFlightCall, value: unknown): void {
    const consumed = (): void => {
      if (!this.calls.has(call.id) || ++call.consumed < STREAM_WINDOW / 2 || !call.owner) return;
      this.link.publish(
        this.subjects.control(call.owner),
        withMeta(['credit', `${this.inbox}.${call.id}`, call.consumed], EMPTY),
      );
      call.consumed = 0;
    };
    const pending = call.sink?.next(value);
    if (pending) pending.then(consumed, consumed);
    else consumed();
  }

  private cancel(id: string): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.finish(call);
    if (this.link.isClosed()) return;
    this.link.publish(
      call.owner ? this.subjects.control(call.owner) : this.subjects.cancel,
      withMeta(['cancel', `${this.inbox}.${id}`], EMPTY),
    );
  }

  private fail(call: InFlightCall, err: ActorError): void {
    this.finish(call, err);
    this.counters.failed(String(err.code));
    if (call.sink) call.sink.error(err);
    else if (call.acknowledged) call.acknowledged.reject(err);
    else this.logger.warn(`Fire-and-forget to actor '${call.name}' failed: ${err.code}: ${err.message}`);
  }

  private forget(id: string, why: string): void {
    const call = this.calls.get(id);
    if (!call) return;
    if (call.acknowledged) {
      const text = `No delivery ack from the node serving actor '${call.name}' within ${this.ackTimeoutMs} ms`;
      return this.fail(call, new ActorError(ErrorCode.TIMEOUT, `${text}; the message may or may not have arrived`));
    }
    this.finish(call);
    this.logger.debug(`Fire-and-forget ${id} to actor '${call.name}': ${why}`);
  }

  private finish(call: InFlightCall, error?: ActorError): void {
    this.calls.delete(call.id);
    call.tracker?.finished(error);
    if (call.batch && --call.batch.open === 0) this.batches.delete(call.batch.id);
    call.unwatch();
    if (call.timer) clearTimeout(call.timer);
  }
}

function closedError(name: string, why: string): ActorError {
  return new ActorError(ErrorCode.CONNECTION_CLOSED, `Cannot call actor '${name}' on another node: ${why}`);
}
