import { MessageRegistry } from '../core/metadata/message-registry';
import { ActorRef } from '../core/runtime/actor-ref';
import { Delivery } from '../core/runtime/delivery';
import { WirePayload } from '../core/runtime/wire-payload';
import { serializationFailure } from './served-calls';

/**
 * Delivers to an instance on this node. A payload an entry node forwarded undecoded (a
 * `WirePayload`: the IPC listener saw the actor, or the key, served elsewhere a moment ago) is
 * validated first, here, as the owner does for calls from other nodes (docs/protocol.md §3.1 step
 * 7 happens where the actor runs). Returns a Promise only while an asynchronous validator runs.
 * @throws ActorError `SERIALIZATION_ERROR` when the payload fails validation synchronously, or
 *   what `ref.deliver` throws
 */
export function deliverHere(ref: ActorRef, delivery: Delivery, registry: MessageRegistry): void | Promise<void> {
  if (!(delivery.message instanceof WirePayload)) return ref.deliver(delivery);
  let decoded: object | Promise<object>;
  try {
    decoded = registry.decode(delivery.wireName, delivery.message.value);
  } catch (err) {
    throw serializationFailure(err);
  }
  if (!(decoded instanceof Promise)) return ref.deliver(withMessage(delivery, decoded));
  return decoded.then(
    (message) => ref.deliver(withMessage(delivery, message)),
    (err: unknown) => {
      const failure = serializationFailure(err);
      if (!delivery.sink) throw failure;
      delivery.sink.error(failure);
    },
  );
}

/** `delivery` carrying `message` instead (its signal and trace context read now, getters or not). */
function withMessage(delivery: Delivery, message: object): Delivery {
  const { wireName, sink, correlationId, signal, deadline, peer, traceContext, withdrawn } = delivery;
  return { message, wireName, sink, correlationId, signal, deadline, peer, traceContext, withdrawn };
}
