import { isObservable, Observable, Subscription } from './rxjs-subset';
import { HandlerContext, StreamCanceller } from './handler-context';

/** True for an rxjs Observable (or a look-alike with `subscribe` and `lift`). */
export function isObservableResult(value: unknown): value is Observable<unknown> {
  // The common case first: a plain reply has no `subscribe`, one missed read (rxjs's own check
  // starts with `instanceof Observable` and `lift`, bench W1).
  return typeof (value as { subscribe?: unknown } | null | undefined)?.subscribe === 'function' && isObservable(value);
}

/** True for anything with `Symbol.asyncIterator` (async generators, readable streams, ...). */
export function isAsyncIterableResult(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * One running drain: ends the delivery exactly once — by the producer finishing or failing, by
 * the delivery's signal aborting (`complete()`), or by the actor shutting down (`fail(reason)`)
 * — and then stops the producer if it was cancelled.
 */
class DrainRun {
  /** True once the delivery was ended; the producer's later values are dropped. */
  stopped = false;
  private readonly unwatch: () => void;

  constructor(
    private readonly dispatch: HandlerContext,
    private readonly stopProducer: () => void,
  ) {
    this.unwatch = dispatch.watchCancellation(this.cancel);
    if (dispatch.signal.aborted) this.cancel();
  }

  /** The producer finished; false when the drain had already ended. */
  complete(): boolean {
    return this.end(() => this.dispatch.complete());
  }

  /** The producer failed; false when the drain had already ended. */
  fail(err: unknown): boolean {
    return this.end(() => this.dispatch.fail(err));
  }

  private readonly cancel: StreamCanceller = (reason) => {
    if (reason === undefined ? this.complete() : this.fail(reason)) this.stopProducer();
  };

  private end(outcome: () => void): boolean {
    if (this.stopped) return false;
    this.stopped = true;
    this.unwatch();
    outcome();
    return true;
  }
}

/**
 * Sends each item of an AsyncIterable as one reply, pulling the next only after the sink's
 * `next()` Promise settles (backpressure, docs/protocol.md §3.4). Stops — calling the iterator's
 * `return()`, so a generator's `finally` runs — when the delivery's signal aborts or the actor
 * shuts down. Runs outside the actor's lock.
 */
export function drainAsyncIterable(iterable: AsyncIterable<unknown>, dispatch: HandlerContext): void {
  const iterator = iterable[Symbol.asyncIterator]();
  const run = new DrainRun(dispatch, () => closeIterator(iterator));
  if (run.stopped) return;
  void (async () => {
    try {
      for (;;) {
        const step = await iterator.next();
        if (run.stopped) return;
        if (step.done) break;
        const pending = dispatch.emit(step.value);
        if (pending) await pending;
        if (run.stopped) return;
      }
      run.complete();
    } catch (err) {
      run.fail(err);
    }
  })();
}

/**
 * Sends each value of an Observable as one reply, then completes or errors with it.
 * Unsubscribes (running the Observable's teardown) when the delivery's signal aborts or the
 * actor shuts down. Runs outside the actor's lock.
 */
export function drainObservable(observable: Observable<unknown>, dispatch: HandlerContext): void {
  const active: { subscription?: Subscription } = {}; // set once subscribed
  const run = new DrainRun(dispatch, () => active.subscription?.unsubscribe());
  if (run.stopped) return;
  const subscription = observable.subscribe({
    next: (value) => {
      if (!run.stopped) dispatch.reply(value); // Observables push: no backpressure
    },
    error: (err: unknown) => run.fail(err),
    complete: () => run.complete(),
  });
  active.subscription = subscription;
  if (run.stopped) subscription.unsubscribe();
}

function closeIterator(iterator: AsyncIterator<unknown>): void {
  try {
    const closing = iterator.return?.();
    if (closing && typeof closing.then === 'function') closing.then(undefined, () => undefined);
  } catch {
    // The producer failed while closing; nobody is listening any more.
  }
}
