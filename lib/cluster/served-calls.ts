import { ActorError } from '../core/errors/actor-error';
import { ErrorCode } from '../core/errors/error-code';
import { ErrorMessages } from '../core/errors/error-messages';
import { MessageRegistry } from '../core/metadata/message-registry';
import { ActorRef } from '../core/runtime/actor-ref';
import { Delivery } from '../core/runtime/delivery';
import { TraceContext } from '../core/runtime/instrumentation';
import { DID_NOT_RUN } from '../core/runtime/keyed/activation-refused';
import { PeerInfo } from '../core/runtime/message-context';
import { Logger } from '../core/runtime/logger';
import { BodyCodec, ClusterSubjects, keyOfToken, Mode, splitMeta } from './cluster-wire';
import { ClusterCounters } from './cluster-stats';
import { NatsConnectionLike, NatsMessage, NatsSubscription } from './nats-port';
import { RemoteReplySink } from './remote-reply-sink';
import { decodeBatch, TurnBatcher } from './turn-batcher';

/**
 * The serving side of remote calls: subscribes to the subjects of the actors this node serves,
 * decodes and validates each payload once (here, at the owner), delivers it to the local actor
 * with a `RemoteReplySink` that sends the replies back, and owns the calls being served: it
 * aborts their `ctx.signal` when the caller cancels, the caller's node is gone, or the deadline
 * that travelled with the call passes. Calls on one subject are delivered in arrival order.
 */
export class ServedCalls {
  private readonly running = new Map<string, RemoteReplySink>();
  private readonly subscriptions: NatsSubscription[] = [];
  /** Reply frames, coalesced per calling node and event-loop turn (items: each frame's reply subject). */
  private readonly replies: TurnBatcher<string>;

  constructor(
    private readonly link: NatsConnectionLike,
    private readonly subjects: ClusterSubjects,
    private readonly codec: BodyCodec,
    private readonly registry: MessageRegistry,
    private readonly counters: ClusterCounters,
    private readonly logger: Logger,
    private readonly selfId: string,
  ) {
    this.replies = new TurnBatcher<string>(link, {
      address: (callerInbox, replyTos) => ({ subject: replyTos.length === 1 ? replyTos[0]! : `${callerInbox}.b` }),
      failed: () => undefined, // the connection closed: the caller fails its calls CONNECTION_CLOSED
    });
  }

  /** Starts receiving credit and cancels for calls served here. */
  start(): void {
    const control = (err: Error | null, msg: NatsMessage): void => {
      if (err) return;
      const [op, key, frames] = splitMeta(msg.data).fields;
      const sink = this.running.get(key ?? '');
      if (!sink) return;
      if (op === 'credit') sink.grant(Number(frames) || 0);
      else sink.cancel();
    };
    this.subscriptions.push(this.link.subscribe(this.subjects.control(this.selfId), { callback: control }));
    this.subscriptions.push(this.link.subscribe(this.subjects.cancel, { callback: control }));
  }

  /**
   * Serves `ref` under its name: every call published to the actor's subject (through the
   * queue group `queue`, for replicated actors) is delivered to it. Returns the undo.
   */
  serve(name: string, ref: ActorRef, queue?: string): () => void {
    return this.serveSubject(this.subjects.actor(name), () => ref, queue);
  }

  /**
   * Serves the keys of keyed actor `name` on this node: a call published to `<prefix>.<key token>`
   * is delivered to `refOf(key)`. Returns the undo.
   */
  serveKeys(prefix: string, refOf: (key: string) => ActorRef): () => void {
    return this.serveSubject(`${prefix}.*`, (subject) => refOf(keyOfToken(subject.slice(prefix.length + 1))));
  }

  /**
   * Subscribes to `subject`; the undo drains the subscription. Calls that had already reached this
   * process when it stopped serving (e.g. read after an event-loop stall that let its lease lapse)
   * are refused at once, typed, no handler run: dropped, an ask would wait out its whole deadline
   * and a tell its ack timeout, on a node that is alive.
   */
  private serveSubject(subject: string, refOf: (subject: string) => ActorRef, queue?: string): () => void {
    let order: Promise<void> = Promise.resolve();
    let waiting = 0;
    let serving = true;
    const subscription = this.link.subscribe(subject, {
      ...(queue ? { queue } : {}),
      callback: (err, msg) => {
        if (err || !msg.reply) return;
        this.counters.bytesReceived += msg.data.length;
        const callerInbox = msg.reply.slice(0, msg.reply.lastIndexOf('.'));
        const peer = peerOf(callerInbox);
        for (const entry of decodeBatch(msg.data)) {
          const call = parseCall(entry, callerInbox, msg.reply, peer);
          this.counters.remoteCallsReceived++;
          if (!serving) {
            this.dispatch(call, undefined, this.stoppedServing(msg.subject, refOf));
            continue;
          }
          let ref: ActorRef;
          try {
            ref = refOf(msg.subject);
          } catch (refused) {
            this.dispatch(call, undefined, refused instanceof Error ? refused : new Error(String(refused)));
            continue;
          }
          const decoded = this.decode(call, ref);
          if (waiting === 0 && !(decoded instanceof Promise)) {
            this.dispatch(call, ref, decoded);
            continue;
          }
          // An asynchronous validation holds later calls back, so they reach the actor in order.
          waiting++;
          order = order
            .then(() => decoded)
            .then(
              (message) => this.dispatch(call, ref, message),
              (failure: unknown) =>
                this.dispatch(call, ref, failure instanceof Error ? failure : new Error(String(failure))),
            )
            .finally(() => waiting--);
        }
      },
    });
    return () => {
      serving = false;
      // Fails only when the connection is closing or closed: the subscription goes with it.
      subscription.drain().catch(() => undefined);
    };
  }

  /** The refusal of a call that reached this node after it stopped serving `subject`. */
  private stoppedServing(subject: string, refOf: (subject: string) => ActorRef): Error {
    let name = subject;
    try {
      name = refOf(subject).name;
    } catch {
      // a key the actor refuses: name the subject
    }
    // Ends like an activation refusal: the cluster sends a keyed call again by itself.
    const text =
      `${ErrorMessages.actorNotFound(name)}: node '${this.selfId}' stopped serving it as the call arrived; ` +
      DID_NOT_RUN;
    return new ActorError(ErrorCode.ACTOR_NOT_FOUND, text);
  }

  /** Aborts the calls a node made: it left the cluster. */
  callerGone(nodeId: string): void {
    const prefix = `${this.subjects.replies(nodeId)}.`;
    for (const [key, sink] of this.running) if (key.startsWith(prefix)) sink.cancel();
  }

  /** Stops receiving calls, credit and cancels. */
  stop(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    for (const sink of this.running.values()) sink.cancel();
    this.replies.flush();
  }

  private decode(call: IncomingCall, ref: ActorRef): object | Promise<object> | Error {
    const { wireName } = call;
    if (!ref.handlerFor(wireName)) {
      return Object.assign(
        new Error(`${ErrorMessages.unknownMessageType(wireName)} (actor '${ref.name}' has no handler for it)`),
        { code: ErrorCode.UNKNOWN_MESSAGE_TYPE },
      );
    }
    try {
      const decoded = this.registry.decode(wireName, this.codec.decode(call.body));
      if (!(decoded instanceof Promise)) return decoded;
      return decoded.catch((err: unknown) => {
        throw serializationFailure(err);
      });
    } catch (err) {
      return serializationFailure(err);
    }
  }

  private dispatch(call: IncomingCall, ref: ActorRef | undefined, decoded: object | Error): void {
    const { replyTo, mode, wireName, deadline } = call;
    const sink = new RemoteReplySink(
      this.link,
      this.replies,
      replyTo,
      this.codec,
      this.counters,
      this.selfId,
      call.credit,
    );
    if (decoded instanceof Error) {
      const code = (decoded as Error & { code?: string }).code ?? ErrorCode.SERIALIZATION_ERROR;
      return sink.error(new ActorError(code, decoded.message));
    }
    try {
      if (mode === Mode.TELL) {
        ref!.deliver({
          message: decoded,
          wireName,
          correlationId: replyTo,
          peer: call.peer,
          traceContext: call.traceContext,
        });
        return sink.ack();
      }
      this.running.set(replyTo, sink);
      sink.onFinished(() => this.running.delete(replyTo));
      if (deadline !== undefined) sink.abortAt(deadline);
      sink.announceAtTurnEnd();
      ref!.deliver(new ServedDelivery(decoded, wireName, replyTo, sink, deadline, call.peer, call.traceContext));
    } catch (err) {
      sink.error(err);
    }
  }
}

/** A payload that failed validation, in the IPC listener's words (docs/protocol.md §3.1 step 7). */
export function serializationFailure(err: unknown): ActorError {
  const detail = ErrorMessages.serializationFailed(err instanceof Error ? err.message : String(err));
  return new ActorError(ErrorCode.SERIALIZATION_ERROR, detail);
}

/** A served call's `Delivery`; its `signal` is created only when the handler reads it. */
class ServedDelivery implements Delivery {
  constructor(
    readonly message: object,
    readonly wireName: string,
    readonly correlationId: string,
    readonly sink: RemoteReplySink,
    readonly deadline: number | undefined,
    readonly peer: PeerInfo,
    readonly traceContext: TraceContext | undefined,
  ) {}

  get signal(): AbortSignal {
    return this.sink.signal;
  }
}

/** One call as it arrived on an actor's subject. */
interface IncomingCall {
  readonly replyTo: string;
  readonly mode: string;
  readonly wireName: string;
  readonly deadline?: number;
  readonly credit: number;
  /** The caller's span, continued by the owner's (issue 17: traces across nodes). */
  readonly traceContext?: TraceContext;
  readonly body: Uint8Array;
  /** The calling node, as `ctx.peer` (one per NATS message). */
  readonly peer: PeerInfo;
}

/** The sender of calls from another node, `cluster:<node>` (`ctx.peer.connectionId`), from its inbox. */
function peerOf(callerInbox: string): PeerInfo {
  return { connectionId: `cluster:${callerInbox.slice(callerInbox.lastIndexOf('.') + 1)}` };
}

/**
 * One call of a NATS message (alone or in a batch): its reply subject is the caller's inbox and
 * the call id it carries (`fallbackReply`, the message's own reply subject, when it has none).
 */
function parseCall(data: Uint8Array, callerInbox: string, fallbackReply: string, peer: PeerInfo): IncomingCall {
  const { fields, body } = splitMeta(data);
  const [mode = Mode.TELL, wireName = '', deadline, credit, id, traceparent, tracestate] = fields;
  return {
    traceContext: traceparent ? (tracestate ? { traceparent, tracestate } : { traceparent }) : undefined,
    replyTo: id ? `${callerInbox}.${id}` : fallbackReply,
    mode,
    wireName,
    deadline: Number(deadline) || undefined,
    credit: Number(credit) || 0,
    body,
    peer,
  };
}
