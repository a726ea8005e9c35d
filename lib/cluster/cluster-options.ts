import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

/** How bodies (payloads, replies, broadcasts) are encoded on NATS. */
export type ClusterFormat = 'json' | 'msgpack';

/** TLS settings passed through to the NATS client unchanged (`tls` of its connection options). */
export interface ClusterTlsOptions {
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly caFile?: string;
  readonly handshakeFirst?: boolean;
}

/** What `ClusterModule.forRoot()` accepts; every key is optional (see `resolveClusterOptions`). */
export interface ClusterModuleOptions {
  /**
   * NATS server URL(s), e.g. `nats://127.0.0.1:4222`; env `ACTON_NATS_URL` (comma separated).
   * `nats://user:pass@host:port` or `nats://token@host:port` log in as `user`/`pass` or `token` do.
   */
  readonly servers?: string | readonly string[];
  /** Namespace of every subject and of the lease bucket; env `ACTON_CLUSTER`; default `acton`. */
  readonly cluster?: string;
  /** This node's id, unique in the cluster; env `ACTON_NODE_ID`; default `<host>-<pid>-<random>`. */
  readonly nodeId?: string;
  /** Interval of heartbeats and lease renewals, ms; default 1000. */
  readonly heartbeatMs?: number;
  /** A node is gone after this long without a heartbeat, ms; default 3000; > 2 × heartbeatMs. */
  readonly nodeTimeoutMs?: number;
  /** Body encoding on NATS; default `json`. */
  readonly format?: ClusterFormat;
  /** NATS user/password authentication. */
  readonly user?: string;
  readonly pass?: string;
  /** NATS token authentication. */
  readonly token?: string;
  /** Path of a NATS `.creds` file (JWT + nkey seed). */
  readonly credsFile?: string;
  /** An nkey seed (`SU...`) for nkey authentication. */
  readonly nkeySeed?: string;
  /** TLS to the NATS server. */
  readonly tls?: ClusterTlsOptions;
}

/** `ClusterModuleOptions` with defaults, environment and checks applied. */
export interface ClusterConfig {
  readonly servers: readonly string[];
  readonly cluster: string;
  readonly nodeId: string;
  readonly heartbeatMs: number;
  readonly nodeTimeoutMs: number;
  readonly format: ClusterFormat;
  readonly auth: Pick<ClusterModuleOptions, 'user' | 'pass' | 'token' | 'credsFile' | 'nkeySeed'>;
  readonly tls?: ClusterTlsOptions;
}

const DEFAULT_SERVERS = ['nats://127.0.0.1:4222'];
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * Applies defaults < environment (`ACTON_NATS_URL`, `ACTON_CLUSTER`, `ACTON_NODE_ID`) < code.
 * @throws Error naming the option, the bad value and what to use instead
 */
export function resolveClusterOptions(options: ClusterModuleOptions, env: NodeJS.ProcessEnv): ClusterConfig {
  const fromEnv = env.ACTON_NATS_URL?.split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  const servers = toList(options.servers) ?? (fromEnv && fromEnv.length > 0 ? fromEnv : DEFAULT_SERVERS);
  for (const server of servers) {
    if (typeof server !== 'string' || !/^(nats|tls|ws|wss):\/\/[^\s]+$|^[^\s:/]+:\d+$/.test(server)) {
      throw new Error(
        `Invalid cluster option servers: ${JSON.stringify(server)} is not a NATS URL; use e.g. nats://127.0.0.1:4222`,
      );
    }
  }
  const cluster = options.cluster ?? env.ACTON_CLUSTER ?? 'acton';
  checkToken('cluster', cluster);
  const nodeId = options.nodeId ?? env.ACTON_NODE_ID ?? defaultNodeId();
  checkToken('nodeId', nodeId);
  const heartbeatMs = checkMs('heartbeatMs', options.heartbeatMs ?? 1000);
  const nodeTimeoutMs = checkMs('nodeTimeoutMs', options.nodeTimeoutMs ?? 3000);
  if (nodeTimeoutMs <= 2 * heartbeatMs) {
    throw new Error(
      `Invalid cluster option nodeTimeoutMs: ${nodeTimeoutMs} must be more than twice heartbeatMs ` +
        `(${heartbeatMs}), or one late heartbeat declares a live node gone`,
    );
  }
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'msgpack') {
    throw new Error(`Invalid cluster option format: ${JSON.stringify(format)}; use 'json' or 'msgpack'`);
  }
  const { servers: plainServers, userInfo } = withoutUserInfo(servers);
  const fromUrl = options.user === undefined && options.token === undefined ? userInfo : {};
  const { user = fromUrl.user, pass = fromUrl.pass, token = fromUrl.token, credsFile, nkeySeed } = options;
  if ((user === undefined) !== (pass === undefined)) {
    throw new Error('Invalid cluster options user/pass: give both or neither');
  }
  return {
    servers: plainServers,
    cluster,
    nodeId,
    heartbeatMs,
    nodeTimeoutMs,
    format,
    auth: { user, pass, token, credsFile, nkeySeed },
    tls: options.tls,
  };
}

/**
 * Takes credentials out of `nats://user:pass@host:port` (or `nats://token@host:port`) server URLs,
 * the form NATS tools accept, because the NATS client only reads them from its options; so
 * `ACTON_NATS_URL` alone can carry them.
 */
function withoutUserInfo(servers: readonly string[]): {
  servers: readonly string[];
  userInfo: Pick<ClusterModuleOptions, 'user' | 'pass' | 'token'>;
} {
  let userInfo: Pick<ClusterModuleOptions, 'user' | 'pass' | 'token'> = {};
  const plain = servers.map((server) => {
    const match = /^([a-z]+:\/\/)([^@/\s]+)@(.+)$/.exec(server);
    if (!match) return server;
    const colon = match[2].indexOf(':');
    userInfo =
      colon < 0
        ? { token: decodeURIComponent(match[2]) }
        : { user: decodeURIComponent(match[2].slice(0, colon)), pass: decodeURIComponent(match[2].slice(colon + 1)) };
    return match[1] + match[3];
  });
  return { servers: plain, userInfo };
}

function toList(servers: string | readonly string[] | undefined): readonly string[] | undefined {
  if (servers === undefined) return undefined;
  const list = typeof servers === 'string' ? [servers] : servers;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(
      `Invalid cluster option servers: ${JSON.stringify(servers)}; give a NATS URL or a non-empty list of them`,
    );
  }
  return list;
}

function checkToken(option: string, value: unknown): void {
  if (typeof value !== 'string' || !SUBJECT_TOKEN.test(value)) {
    throw new Error(
      `Invalid cluster option ${option}: ${JSON.stringify(value)}; use letters, digits, '_' and '-' only ` +
        `(it becomes part of NATS subjects)`,
    );
  }
}

function checkMs(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 10) {
    throw new Error(
      `Invalid cluster option ${option}: ${JSON.stringify(value)}; use a whole number of milliseconds >= 10`,
    );
  }
  return value;
}

function defaultNodeId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '_');
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
