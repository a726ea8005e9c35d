/**
 * Who sent a message. In-process messages carry `{ connectionId: 'local' }`.
 * `uid` / `gid` / `pid` are set only where the platform reports peer credentials
 * (Node has no core API for SO_PEERCRED, so they are usually absent; PROTOCOL.md §5.8).
 */
export interface PeerInfo {
  readonly connectionId: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly pid?: number;
}
