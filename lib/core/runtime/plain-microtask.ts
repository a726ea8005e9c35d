/** Settled once; its `then` is how `queuePlainMicrotask` queues. */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * Queues `callback` as a plain V8 microtask: the same queue and order as `queueMicrotask`,
 * without the `AsyncResource`, bound function and async-context push/pop Node's
 * `queueMicrotask` adds to each call (≈ 1 µs per IPC request when the mailbox dispatch used it,
 * bench W1). For the runtime's own once-per-turn bookkeeping, which needs no async context.
 * `callback` must not throw: its error would be an unhandled rejection, not an uncaught exception.
 */
export function queuePlainMicrotask(callback: () => void): void {
  void SETTLED.then(callback);
}
