import type { ChildSpawnOptions } from './acton-app';
import type { ActorRef } from './actor-ref';
import type { Type } from './provider';
import type { Timers } from './timers';

/**
 * The second parameter of a handler: who asked, until when, and how to answer explicitly.
 *
 * @typeParam R the reply type
 */
export interface MessageContext<R = unknown> {
  /** The request's correlation id (the IPC envelope's `correlation_id`, or `local-<n>` in-process). */
  readonly correlationId: string;
  /**
   * Aborted when the caller goes away: the IPC client's socket closed or a write to it failed,
   * the deadline passed, an in-process `stream()` was unsubscribed or an `ask()` timed out.
   * Never aborted for fire-and-forget messages. Pass it to anything cancellable.
   */
  readonly signal: AbortSignal;
  /** Absolute deadline in epoch milliseconds, when the caller set one. */
  readonly deadline?: number;
  /** The sender: `{ connectionId: 'local' }` in-process; see `PeerInfo`. */
  readonly peer: PeerInfo;
  /** The key of a keyed actor's activation (`u-42` for `cart/u-42`); `undefined` for other actors. */
  readonly key?: string;
  /**
   * The caller's identity as admitted by the IPC listener's security policy
   * (`IpcModule.forRoot({ security })`, docs/protocol.md §11.2); `undefined` in-process and
   * without a policy.
   */
  readonly caller?: unknown;
  /**
   * Sends one reply now (explicit-reply style). For a request-response only the first reply
   * counts (docs/protocol.md §3.3); for a stream request each call is one data frame. Ignored once
   * the handler (and its stream) has finished. Never throws.
   */
  reply(value: R): void;
  /** This actor's timers (the injectable `Timers` of this instance): cancelled when it stops or restarts. */
  readonly timers: Timers;
  /**
   * Starts a child actor named `<this actor's name>/<name>`, supervised by this actor (its
   * `strategy` applies among its children; a child past its restart limit escalates to it).
   * Children stop before their parent, in reverse start order, and when the parent restarts.
   * Not exposed over IPC unless `{ expose: true }` (then under the full name).
   * @throws (rejects) Error when the name is invalid or taken, or the child's `onStart` fails
   */
  spawn(type: Type, name: string, options?: ChildSpawnOptions): Promise<ActorRef>;
  /** This actor's running children, in start order. */
  children(): readonly ActorRef[];
  /**
   * Ends this actor normally (a clean stop, not a failure; OTP's `normal` exit). Its restart
   * policy decides: `permanent` restarts it (a fresh instance; queued messages wait for it);
   * `transient`, `temporary` and actors without a `supervision` option stop for good: the
   * mailbox closes at once (queued and later messages fail with `IO_ERROR` "Recipient channel
   * is closed"), the running handler finishes and its reply is delivered, children stop first,
   * then `onStop`; the name is freed and `ActorStopped { reason: 'stopped itself (normal…)' }`
   * is broadcast. A keyed actor's activation passivates instead (state saved; the key
   * re-activates on its next message). Later calls in the same handler are ignored.
   * @param reason why, for logs and the `ActorStopped` event
   */
  stop(reason?: string): void;
}

/** The peer of in-process messages. */
export const LOCAL_PEER: PeerInfo = Object.freeze({ connectionId: 'local' });

/** The signal of messages whose sender gave none: never aborted. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * Who sent a message. In-process messages carry `{ connectionId: 'local' }`.
 * `uid` / `gid` / `pid` are the kernel's view of the connecting process on Linux and macOS
 * (read through the optional `koffi` package; absent when it is missing or the platform reports
 * nothing; `pid` also when unknown; docs/protocol.md §5.8). Decide on uid/gid: a pid can be reused.
 */
export interface PeerInfo {
  readonly connectionId: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly pid?: number;
  /** The identity the listener's security policy admitted this connection as (`ctx.caller`, §11.2). */
  readonly caller?: unknown;
}
