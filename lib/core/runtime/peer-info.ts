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
