import { ActorError } from '../../core/errors/actor-error';
import { ErrorCode } from '../../core/errors/error-code';
import type { PeerCredentials } from '../server/peer-credentials';
import type { ConnectionInfo, SecurityPolicy } from './security-policy';

/** Denial text when the platform gave no peer credentials to decide on. */
export const NO_CREDENTIALS = 'peer credentials are unavailable, so the peer cannot be checked';

/**
 * Admits only processes running as the server's own uid (docs/protocol.md §11.2); everything is
 * allowed once admitted. The identity is the peer's credentials. Refuses every connection where
 * credentials are unavailable (no koffi, or a platform that reports nothing).
 * @param uid the uid to require; default `process.getuid()`
 */
export function sameUidPolicy(uid: number = process.getuid?.() ?? -1): SecurityPolicy<PeerCredentials> {
  return {
    admit(connection: ConnectionInfo) {
      const peer = requirePeer(connection);
      if (peer.uid !== uid)
        throw new ActorError(ErrorCode.ACCESS_DENIED, `peer uid ${peer.uid} is not the server's uid ${uid}`);
      return peer;
    },
  };
}

/** Which peers `allowListPolicy` admits. A peer passes when its uid OR its gid is listed. */
export interface AllowList {
  readonly uids?: readonly number[];
  readonly gids?: readonly number[];
}

/**
 * Admits peers whose uid or gid is on the list (docs/protocol.md §11.2); everything is allowed
 * once admitted. The identity is the peer's credentials. An empty list admits nobody.
 */
export function allowListPolicy(allow: AllowList): SecurityPolicy<PeerCredentials> {
  const uids = new Set(allow.uids ?? []);
  const gids = new Set(allow.gids ?? []);
  const listed = `uids [${[...uids].join(', ')}], gids [${[...gids].join(', ')}]`;
  return {
    admit(connection: ConnectionInfo) {
      const peer = requirePeer(connection);
      if (uids.has(peer.uid) || gids.has(peer.gid)) return peer;
      throw new ActorError(
        ErrorCode.ACCESS_DENIED,
        `peer uid ${peer.uid} / gid ${peer.gid} is not on the allow-list (${listed})`,
      );
    },
  };
}

function requirePeer(connection: ConnectionInfo): PeerCredentials {
  if (!connection.peer) throw new ActorError(ErrorCode.ACCESS_DENIED, NO_CREDENTIALS);
  return connection.peer;
}
