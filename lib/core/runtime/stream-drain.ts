import { isObservable, Observable, Subscription } from 'rxjs';
import { Dispatch, StreamCanceller } from './handler-dispatch';

/** True for an rxjs Observable (or a look-alike with `subscribe` and `lift`). */
export function isObservableResult(value: unknown): value is Observable<unknown> {
  return isObservable(value);
}

/** True for anything with `Symbol.asyncIterator` (async generators, readable streams, ...). */
export function isAsyncIterableResult(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}

/**
 * Sends each item of an AsyncIterable as one reply, pulling the next only after the sink's
 * `next()` Promise settles (backpressure, DESIGN §1). Stops — calling the iterator's
 * `return()`, so a generator's `finally` runs — when the delivery's signal aborts or the actor
 * shuts down. Runs outside the actor's lock.
 */
export function drainAsyncIterable(iterable: AsyncIterable<unknown>, dispatch: Dispatch): void {
  const iterator = iterable[Symbol.asyncIterator]();
  let stopped = false;
  let unwatch = (): void => undefined;
  const finish = (outcome: () => void): boolean => {
    if (stopped) return false;
    stopped = true;
    unwatch();
    outcome();
    return true;
  };
  const cancel: StreamCanceller = (reason) => {
    if (finish(() => (reason === undefined ? dispatch.complete() : dispatch.fail(reason)))) closeIterator(iterator);
  };
  unwatch = dispatch.watchCancellation(cancel);
  if (dispatch.signal.aborted) cancel();
  if (stopped) return;
  void (async () => {
    try {
      for (;;) {
        const step = await iterator.next();
        if (stopped) return;
        if (step.done) break;
        const pending = dispatch.emit(step.value);
        if (pending) await pending;
        if (stopped) return;
      }
      finish(() => dispatch.complete());
    } catch (err) {
      finish(() => dispatch.fail(err));
    }
  })();
}

/**
 * Sends each value of an Observable as one reply, then completes or errors with it.
 * Unsubscribes (running the Observable's teardown) when the delivery's signal aborts or the
 * actor shuts down. Runs outside the actor's lock.
 */
export function drainObservable(observable: Observable<unknown>, dispatch: Dispatch): void {
  let stopped = false;
  let subscription: Subscription | undefined;
  let unwatch = (): void => undefined;
  const finish = (outcome: () => void): boolean => {
    if (stopped) return false;
    stopped = true;
    unwatch();
    outcome();
    return true;
  };
  const cancel: StreamCanceller = (reason) => {
    if (finish(() => (reason === undefined ? dispatch.complete() : dispatch.fail(reason)))) subscription?.unsubscribe();
  };
  unwatch = dispatch.watchCancellation(cancel);
  if (dispatch.signal.aborted) cancel();
  if (stopped) return;
  subscription = observable.subscribe({
    next: (value) => {
      if (!stopped) dispatch.reply(value); // Observables push: no backpressure
    },
    error: (err: unknown) => finish(() => dispatch.fail(err)),
    complete: () => finish(() => dispatch.complete()),
  });
  if (stopped) subscription.unsubscribe();
}

function closeIterator(iterator: AsyncIterator<unknown>): void {
  try {
    const closing = iterator.return?.();
    if (closing && typeof closing.then === 'function') closing.then(undefined, () => undefined);
  } catch {
    // The producer failed while closing; nobody is listening any more.
  }
}
