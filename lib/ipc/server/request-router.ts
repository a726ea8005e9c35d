import { isActorError } from '../../core/errors/actor-error';
import { ErrorCode } from '../../core/errors/error-code';
import { ErrorMessages } from '../../core/errors/error-messages';
import { MessageRegistry } from '../../core/metadata/message-registry';
import { ActorRef } from '../../core/runtime/actor-ref';
import { Delivery } from '../../core/runtime/delivery';
import { WirePayload } from '../../core/runtime/wire-payload';
import { RequestEnvelope } from '../protocol/wire-types';
import { ExposedActors } from './exposed-actors';
import { ErrorFields } from './reply-frames';

/** `SHUTTING_DOWN` as answered while draining or by a closing mailbox (§5.5). */
export const SHUTTING_DOWN: ErrorFields = Object.freeze({
  code: ErrorCode.SHUTTING_DOWN,
  message: ErrorMessages.SHUTTING_DOWN,
});

/** Where a request goes: the exposed actor and the decoded message (or its pending validation). */
export interface RequestTarget {
  readonly ref: ActorRef;
  readonly message: object | Promise<object>;
}

/** Which §7 counter an answered failure counts in. */
export type FailureCounter = 'errors' | 'backpressureRejections' | 'shutdownRejections' | 'accessDenied';

/** A request the router could not hand to an actor: the answer's fields and the counter it counts in. */
export interface RouteFailure {
  readonly failure: ErrorFields;
  readonly counter: FailureCounter;
}

/**
 * Routes parsed requests to the exposed actors (docs/protocol.md §3.1 steps 6–8, §3.4): finds
 * the target by exact name, checks that it handles the type over IPC, decodes the payload
 * through the core registry, and enqueues without waiting. It answers nothing and counts
 * nothing itself: it returns what went wrong, in the §3.1 (request) or §3.4 (stream) wording,
 * and the request pipeline answers and counts.
 */
export class RequestRouter {
  constructor(
    private readonly actors: ExposedActors,
    private readonly registry: MessageRegistry,
  ) {}

  /** Steps 6–7: the target and the decoded message, or the failure to answer. */
  resolve(envelope: RequestEnvelope, stream: boolean): RequestTarget | RouteFailure {
    let ref: ActorRef | undefined;
    try {
      ref = this.actors.get(envelope.target);
    } catch (err) {
      // A keyed actor's key broke its limits (e.g. too long): say which.
      const text = err instanceof Error ? err.message : String(err);
      return routeError(stream ? ErrorCode.STREAM_ERROR : ErrorCode.ACTOR_NOT_FOUND, text);
    }
    if (!ref) {
      return routeError(
        stream ? ErrorCode.STREAM_ERROR : ErrorCode.ACTOR_NOT_FOUND,
        ErrorMessages.actorNotFound(envelope.target),
      );
    }
    // A keyed actor's bare name is no target (only its keys are): answered before the type is looked at.
    if (ref.needsKey?.() === true) {
      return routeError(
        stream ? ErrorCode.STREAM_ERROR : ErrorCode.ACTOR_NOT_FOUND,
        ErrorMessages.keyedActorWithoutKey(envelope.target),
      );
    }
    const elsewhere = ref.validatedElsewhere?.() === true;
    const unknownType = this.unknownType(ref, envelope.message_type, elsewhere);
    if (unknownType)
      return routeError(stream ? ErrorCode.SERIALIZATION_ERROR : ErrorCode.UNKNOWN_MESSAGE_TYPE, unknownType);
    // The owner validates (once): the payload travels on undecoded.
    if (elsewhere) return { ref, message: new WirePayload(envelope.payload) };
    try {
      return { ref, message: this.registry.decode(envelope.message_type, envelope.payload) };
    } catch (err) {
      return routeError(ErrorCode.SERIALIZATION_ERROR, serializationText(err));
    }
  }

  /**
   * Step 8 for a fire-and-forget (§3.2): enqueues, where the actor lives; returns the failure when
   * its mailbox refused it, or a Promise of that when the mailbox is in another process (the
   * answer waits for its acknowledgement).
   */
  tell(ref: ActorRef, delivery: Delivery): RouteFailure | undefined | Promise<RouteFailure | undefined> {
    if (!ref.deliverAcknowledged) return this.deliver(ref, delivery, false);
    try {
      const acknowledged = ref.deliverAcknowledged(delivery);
      if (!acknowledged) return undefined;
      return acknowledged.then(
        () => undefined,
        (err: unknown) => enqueueFailure(err, false),
      );
    } catch (err) {
      return enqueueFailure(err, false);
    }
  }

  /**
   * Step 8: enqueues without waiting; returns the failure when the mailbox refused it.
   * @param atOnce see `ActorRef.deliver`: an idle actor may start the handler now
   */
  deliver(ref: ActorRef, delivery: Delivery, stream: boolean, atOnce = false): RouteFailure | undefined {
    try {
      ref.deliver(delivery, atOnce);
      return undefined;
    } catch (err) {
      return enqueueFailure(err, stream);
    }
  }

  /**
   * Step 7's type lookup: registered, and handled by this actor with `ipc: true`. For an actor
   * validated elsewhere only its handlers are known here (its types may not be registered locally).
   */
  private unknownType(ref: ActorRef, wireName: string, elsewhere: boolean): string | undefined {
    if (!elsewhere && !this.registry.byName(wireName)) return ErrorMessages.unknownMessageType(wireName);
    const handler = ref.handlerFor(wireName);
    if (handler?.ipc) return undefined;
    const why = handler ? 'handles it in-process only; add ipc: true to its @OnMessage' : 'has no handler for it';
    return `${ErrorMessages.unknownMessageType(wireName)} (actor '${ref.name}' ${why})`;
  }
}

/** A failed asynchronous payload validation, as answered (§3.1 step 7). */
export function serializationFailure(err: unknown): RouteFailure {
  return routeError(ErrorCode.SERIALIZATION_ERROR, serializationText(err));
}

function routeError(code: string, message: string): RouteFailure {
  return { failure: { code, message }, counter: 'errors' };
}

/** The §3.1 / §3.4 tables for a refused enqueue. */
function enqueueFailure(err: unknown, stream: boolean): RouteFailure {
  const code = isActorError(err) ? err.code : undefined;
  if (code === ErrorCode.TARGET_BUSY) {
    const message = stream ? ErrorMessages.STREAM_INBOX_FULL : ErrorMessages.INBOX_FULL;
    return { failure: { code, message }, counter: 'backpressureRejections' };
  }
  if (code === ErrorCode.SHUTTING_DOWN) return { failure: SHUTTING_DOWN, counter: 'shutdownRejections' };
  const message = err instanceof Error ? err.message : String(err);
  return routeError(stream ? ErrorCode.STREAM_ERROR : (code ?? ErrorCode.IO_ERROR), message);
}

function serializationText(err: unknown): string {
  return ErrorMessages.serializationFailed(err instanceof Error ? err.message : String(err));
}
