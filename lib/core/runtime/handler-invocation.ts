import { HandlerContext } from './handler-context';
import { drainAsyncIterable, drainObservable, isAsyncIterableResult, isObservableResult } from './stream-drain';

/**
 * Calls a handler and turns what it returns into replies:
 * a value → one reply; a Promise → its value, holding the actor until it settles; an Observable
 * or AsyncIterable → a stream drained outside the lock; `undefined` → no reply. A throw or
 * rejection ends the dispatch with that error. No Promise is created for a synchronous handler.
 *
 * @returns a thenable when the actor must stay locked until it settles, else nothing
 */
export function invokeHandler(
  fn: Function,
  instance: object,
  message: object,
  dispatch: HandlerContext,
): PromiseLike<void> | void {
  let result: unknown;
  try {
    result = fn.call(instance, message, dispatch);
  } catch (err) {
    dispatch.fail(err);
    return;
  }
  // The common cases first, so that the property reads below see only what needs them: a native
  // Promise (an async handler) is recognized by its class, a plain value never needs a `.then`.
  if (result instanceof Promise || isThenable(result)) {
    return result.then(
      (value) => settle(value, dispatch),
      (err: unknown) => dispatch.fail(err),
    );
  }
  settle(result, dispatch);
}

function settle(value: unknown, dispatch: HandlerContext): void {
  if (value === undefined) dispatch.complete();
  else if (typeof value !== 'object' && typeof value !== 'function') {
    dispatch.reply(value); // a primitive is never an Observable or an AsyncIterable
    dispatch.complete();
  } else if (isObservableResult(value)) drainObservable(value, dispatch);
  else if (isAsyncIterableResult(value)) drainAsyncIterable(value, dispatch);
  else {
    dispatch.reply(value);
    dispatch.complete();
  }
}

/** True for a Promise or any object with a `then` method (the one thenable check of the runtime). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
