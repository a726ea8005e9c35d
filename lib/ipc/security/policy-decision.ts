import { isActorError } from '../../core/errors/actor-error';
import { ErrorCode } from '../../core/errors/error-code';
import type { ConnectionInfo, SecurityContext, SecurityPolicy, IpcOperation, Verdict } from './security-policy';

/** The outcome of asking a policy: allowed, denied with a reason, or the policy itself failed. */
export type Decision =
  | { readonly outcome: 'allow' }
  | { readonly outcome: 'deny'; readonly reason: string }
  | { readonly outcome: 'fail'; readonly error: unknown };

/** What admission decided; on `allow` the identity handlers see as `ctx.caller`. */
export type Admission =
  { readonly outcome: 'allow'; readonly identity: unknown } | Exclude<Decision, { outcome: 'allow' }>;

/** Denial text of a verdict of plain `false`. */
export const GENERIC_DENIAL = 'Operation not permitted by the security policy';
/** Denial text when admission outlives `read_timeout_ms` (docs/protocol.md §11.2). */
export const ADMISSION_TIMED_OUT = 'Connection admission timed out';
/** Denial text for anything a revoked connection still asks (docs/protocol.md §11.2). */
export const CONNECTION_REVOKED = 'Connection has been revoked';

const ALLOW: Decision = Object.freeze({ outcome: 'allow' });

/**
 * Runs `policy.admit`, bounded by `timeoutMs` (0 = unbounded, docs/protocol.md §11.2): an
 * `ActorError` with code `ACCESS_DENIED` (returned or thrown) denies with its message; expiry
 * denies with "Connection admission timed out"; anything else thrown is a policy failure.
 */
export async function admitConnection(
  policy: SecurityPolicy,
  info: ConnectionInfo,
  timeoutMs: number,
): Promise<Admission> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<Admission>((resolve) => {
    if (timeoutMs > 0) timer = setTimeout(() => resolve({ outcome: 'deny', reason: ADMISSION_TIMED_OUT }), timeoutMs);
  });
  const decided = (async (): Promise<Admission> => {
    try {
      const identity: unknown = await policy.admit(info);
      const denial = denialOf(identity);
      return denial === undefined ? { outcome: 'allow', identity } : { outcome: 'deny', reason: denial };
    } catch (err) {
      const denial = denialOf(err);
      return denial === undefined ? { outcome: 'fail', error: err } : { outcome: 'deny', reason: denial };
    }
  })();
  try {
    return await Promise.race([decided, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `policy.authorize` for one operation. Synchronous when the policy answers synchronously
 * (the common case, kept off the microtask queue for pushes); a Promise otherwise.
 */
export function authorizeOperation(
  policy: SecurityPolicy,
  context: SecurityContext,
  operation: IpcOperation,
): Decision | Promise<Decision> {
  if (!policy.authorize) return ALLOW;
  let verdict: Verdict | Promise<Verdict>;
  try {
    verdict = policy.authorize(context, operation);
  } catch (err) {
    return failureOf(err);
  }
  if (isThenable(verdict)) return Promise.resolve(verdict).then(decisionOf, failureOf);
  return decisionOf(verdict);
}

function decisionOf(verdict: Verdict): Decision {
  if (verdict === undefined || verdict === true) return ALLOW;
  if (verdict === false) return { outcome: 'deny', reason: GENERIC_DENIAL };
  const denial = denialOf(verdict);
  return denial === undefined ? { outcome: 'fail', error: verdict } : { outcome: 'deny', reason: denial };
}

function failureOf(err: unknown): Decision {
  const denial = denialOf(err);
  return denial === undefined ? { outcome: 'fail', error: err } : { outcome: 'deny', reason: denial };
}

/** The reason of an `ActorError('ACCESS_DENIED', why)`, else `undefined`. */
function denialOf(value: unknown): string | undefined {
  return isActorError(value) && value.code === ErrorCode.ACCESS_DENIED ? value.message : undefined;
}

function isThenable(value: unknown): value is PromiseLike<Verdict> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
