import { isObservable, of } from 'rxjs';
import type { Observable, Subscription } from 'rxjs';
import type { Delivery } from '../index';
import { actorErrorFromNest } from './nest-peer';

/**
 * Forwards what a Nest handler produced (the value its Promise resolved to) to the delivery's
 * `ReplySink` (absent for fire-and-forget: replies are then dropped), and calls `done` exactly
 * once when it has finished.
 *
 * - A plain value is the one reply, then the end: the common case, answered at once without an
 *   Observable (as `of(value)` would, minus its Subscriber, Subscription and closures per call).
 * - Each Observable item is one reply; the sink decides what that means (the first is the
 *   response of a request, each is a data frame of a stream, docs/protocol.md §3.3 / §3.4).
 * - An `AsyncIterable` (a Nest handler written as `async *`, which Nest passes through as one
 *   value), as the result or as an Observable item, is pulled one item at a time, the next only
 *   after the sink's `next()` Promise settled: backpressure, as for acton actors.
 * - Errors go through `actorErrorFromNest` (an `RpcException`'s code becomes the `error_code`).
 * - When the caller goes away (the delivery's signal aborts) the Observable is unsubscribed and
 *   the iterator returned. The signal is only touched if the source did not finish at once: the
 *   listener creates it lazily, and most handlers answer synchronously once their Promise settled.
 */
export function forwardReplies(result: unknown, delivery: Delivery, done: () => void): void {
  if (isObservable(result)) return forwardObservable(result, delivery, done);
  if (isAsyncIterable(result)) return forwardObservable(of(result), delivery, done);
  delivery.sink?.next(result);
  delivery.sink?.complete();
  done();
}

/** `forwardReplies` of an Observable: every item a reply, until it completes, errors or the caller leaves. */
function forwardObservable(source: Observable<unknown>, delivery: Delivery, done: () => void): void {
  const sink = delivery.sink;
  // eslint-disable-next-line prefer-const -- finish() may run inside subscribe(), before the assignment (TDZ)
  let subscription: Subscription | undefined;
  let finished = false;
  let watching = false;
  let pulling: Promise<void> | undefined;
  const finish = (end: () => void): void => {
    if (finished) return;
    finished = true;
    if (watching) delivery.signal?.removeEventListener('abort', onAbort);
    subscription?.unsubscribe();
    end();
    done();
  };
  // The sink has already answered (deadline, client gone): stop the producer.
  const onAbort = (): void => finish(() => sink?.complete());
  const fail = (err: unknown): void => finish(() => sink?.error(actorErrorFromNest(err)));
  subscription = source.subscribe({
    next: (value) => {
      if (!isAsyncIterable(value)) return void sink?.next(value);
      const previous = pulling ?? Promise.resolve();
      pulling = previous.then(() => pull(value, sink?.next.bind(sink), () => finished));
      pulling.catch(fail);
    },
    error: fail,
    complete: () => {
      if (!pulling) return finish(() => sink?.complete());
      pulling.then(() => finish(() => sink?.complete()), fail);
    },
  });
  if (finished || !delivery.signal) return;
  if (delivery.signal.aborted) return onAbort();
  watching = true;
  delivery.signal.addEventListener('abort', onAbort, { once: true });
}

/** Pulls `iterable` into `emit`, awaiting each emit's Promise; returns the iterator once `stopped()`. */
async function pull(
  iterable: AsyncIterable<unknown>,
  emit: ((value: unknown) => void | Promise<void>) | undefined,
  stopped: () => boolean,
): Promise<void> {
  const iterator = iterable[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (stopped()) return;
      const step = await iterator.next();
      if (step.done || stopped()) return;
      const written = emit?.(step.value);
      if (written) await written;
    }
  } finally {
    if (stopped()) await iterator.return?.();
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
  );
}
