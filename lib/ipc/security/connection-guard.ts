import type { PeerInfo } from '../../core/runtime/peer-info';
import { authorizeOperation, CONNECTION_REVOKED, Decision } from './policy-decision';
import type { IpcOperation, SecurityContext, SecurityPolicy } from './security-policy';

const ALLOWED: Decision = Object.freeze({ outcome: 'allow' });
const REVOKED: Decision = Object.freeze({ outcome: 'deny', reason: CONNECTION_REVOKED });

/**
 * The security policy as one connection sees it (docs/protocol.md §11.2): asks `authorize` for
 * each operation with the connection's context (id, peer credentials, admitted identity), and
 * denies everything with "Connection has been revoked" once `revoke()` ran. Without a policy
 * everything is allowed (and nothing is allocated per operation).
 */
export class ConnectionGuard {
  private readonly context?: SecurityContext;
  private revokedFlag = false;

  /** @param peer the connection's peer, whose `caller` is the admitted identity */
  constructor(
    private readonly policy: SecurityPolicy | undefined,
    peer: PeerInfo,
  ) {
    if (!policy) return;
    const { connectionId, uid, gid, pid, caller } = peer;
    const credentials =
      uid === undefined || gid === undefined ? undefined : pid === undefined ? { uid, gid } : { uid, gid, pid };
    this.context = Object.freeze({
      connectionId,
      ...(credentials ? { peer: credentials } : undefined),
      identity: caller,
    });
  }

  /** True once the connection was revoked. */
  get revoked(): boolean {
    return this.revokedFlag;
  }

  /** From now on every operation is denied "Connection has been revoked". */
  revoke(): void {
    this.revokedFlag = true;
  }

  /** The policy's decision on `operation`: synchronous when the policy answers synchronously. */
  decide(operation: IpcOperation): Decision | Promise<Decision> {
    if (this.revokedFlag) return REVOKED;
    if (!this.policy) return ALLOWED;
    return authorizeOperation(this.policy, this.context!, operation);
  }

  /** Whether a policy is in force (operations are worth describing). */
  get active(): boolean {
    return this.policy !== undefined || this.revokedFlag;
  }
}
