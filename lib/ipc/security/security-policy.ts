import type { ActorError } from '../../core/errors/actor-error';
import type { RequestEnvelope } from '../protocol/wire-types';
import type { PeerCredentials } from '../server/peer-credentials';

/** What admission knows about a new connection (docs/protocol.md §11.2). */
export interface ConnectionInfo {
  /** `ipc-<n>`: n is the sequential accepted count from 1. */
  readonly connectionId: string;
  /** The kernel's view of the peer; absent where the platform reports nothing (§5.8). */
  readonly peer?: PeerCredentials;
}

/** What authorization knows about an admitted connection: its info plus the admitted identity. */
export interface SecurityContext<I = unknown> extends ConnectionInfo {
  /** What `admit` returned for this connection. */
  readonly identity: I;
}

/**
 * One operation a client asks for (docs/protocol.md §11.2). Heartbeats are never authorized.
 * `deliver` is asked per outgoing push, never cached.
 */
export type IpcOperation =
  | { readonly kind: 'request'; readonly envelope: RequestEnvelope }
  | { readonly kind: 'subscribe'; readonly messageTypes: readonly string[] }
  | { readonly kind: 'unsubscribe'; readonly messageTypes: readonly string[] }
  | { readonly kind: 'subscribe-patterns'; readonly patterns: readonly string[] }
  | { readonly kind: 'unsubscribe-patterns'; readonly patterns: readonly string[] }
  | { readonly kind: 'discover' }
  | { readonly kind: 'deliver'; readonly messageType: string };

/**
 * An authorization verdict: `true` or nothing allows; `false` denies with a generic reason; an
 * `ActorError` (code `ACCESS_DENIED`) denies with its message as the reason.
 */
export type Verdict = boolean | void | ActorError;

/**
 * Opt-in admission and authorization for the IPC listener (docs/protocol.md §11.2), given as
 * `IpcModule.forRoot({ security: policy })`. Without a policy nothing is checked.
 *
 * - `admit` runs once per accepted connection, before any of its frames is read, bounded by
 *   `read_timeout_ms`. Return the identity handlers will see as `ctx.caller`; return or throw an
 *   `ActorError('ACCESS_DENIED', why)` to refuse (the client gets one rejection frame naming why).
 * - `authorize` (optional: everything is allowed once admitted) runs per operation.
 * - Anything else thrown (or rejected) by either closes that connection without a frame; the
 *   listener keeps serving others.
 *
 * @typeParam I the identity type
 */
export interface SecurityPolicy<I = unknown> {
  admit(connection: ConnectionInfo): I | ActorError | Promise<I | ActorError>;
  authorize?(context: SecurityContext<I>, operation: IpcOperation): Verdict | Promise<Verdict>;
}

/** True for a `SecurityPolicy` (an object with an `admit` function). */
export function isSecurityPolicy(value: unknown): value is SecurityPolicy {
  return typeof value === 'object' && value !== null && typeof (value as SecurityPolicy).admit === 'function';
}
