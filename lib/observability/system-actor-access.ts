import { LOCAL_PEER, PeerInfo } from '../core/runtime/message-context';

/**
 * Who the `$acton` system actor answers (`MetricsModule.forRoot({ systemActorAccess })`):
 * - `'auto'` (default): the listener's security policy decides when one is in force (code or
 *   the `[security]` section: whoever it admits and authorizes, docs/protocol.md §11.2);
 *   without a policy, only processes running as the server's own uid;
 * - `'owner'`: only the server's own uid, whatever the policy admits besides;
 * - `'policy'`: whoever the listener lets through (without a policy, whoever can open the socket).
 * In-process callers (`app.ask('$acton', …)`) are always answered. Turn the actor off with
 * `systemActor: false`.
 */
export type SystemActorAccess = 'auto' | 'owner' | 'policy';

/** The access modes, for option validation. */
export const SYSTEM_ACTOR_ACCESS_MODES: readonly SystemActorAccess[] = ['auto', 'owner', 'policy'];

/** What the access decision needs to know about the server. */
export interface SystemActorServer {
  /** Whether the IPC listener enforces a security policy. */
  readonly listenerPolicy: boolean;
  /** The server's uid (`process.getuid()`), `undefined` where the platform has none. */
  readonly uid: number | undefined;
}

/**
 * Why `$acton` refuses `peer` under `access` (the text of an `ACCESS_DENIED`), or `undefined`
 * when it answers. The owner rule needs the caller's uid: a connection whose peer credentials
 * are unknown is refused, with what to do about it.
 */
export function systemActorRefusal(
  access: SystemActorAccess,
  peer: PeerInfo,
  server: SystemActorServer,
): string | undefined {
  if (peer.connectionId === LOCAL_PEER.connectionId) return undefined;
  if (access === 'policy' || (access === 'auto' && server.listenerPolicy)) return undefined;
  if (server.uid === undefined) return undefined; // no uids on this platform: the socket's mode is the gate
  const rule = `$acton answers only the server's own uid (${server.uid})`;
  const openUp =
    "configure a [security] policy that admits the callers you trust, or set MetricsModule's " +
    "systemActorAccess: 'policy'";
  if (peer.uid === undefined)
    return `${rule}, and this connection's peer credentials are unknown (install koffi: npm install koffi), or ${openUp}`;
  if (peer.uid !== server.uid) return `${rule}; you are uid ${peer.uid}. To let others in, ${openUp}`;
  return undefined;
}
