import { readFileSync } from 'node:fs';
import { requireOptional } from '../core/runtime/optional-dependency';
import { ClusterConfig } from './cluster-options';
import { KvBucketLike, NatsConnectionLike } from './nats-port';

/** The command that installs the NATS client packages the cluster loads. */
const INSTALL_NATS_CLIENT = 'npm install @nats-io/transport-node @nats-io/jetstream @nats-io/kv';

/** What the cluster uses of `@nats-io/transport-node`. */
interface NatsTransportPackage {
  connect(options: Record<string, unknown>): Promise<NatsConnectionLike>;
  credsAuthenticator(creds: Uint8Array): unknown;
  nkeyAuthenticator(seed: Uint8Array): unknown;
}

/** What the cluster uses of `@nats-io/kv`. */
interface NatsKvPackage {
  Kvm: new (connection: NatsConnectionLike) => { create(name: string, options: { history: number }): Promise<unknown> };
}

/**
 * Loads a NATS client package only when a cluster starts, so apps without `ClusterModule` never
 * need it; a missing one fails naming the package and {@link INSTALL_NATS_CLIENT}.
 */
function loadNatsPackage<T>(name: string): T {
  return requireOptional<T>(name, 'acton-ts/cluster', INSTALL_NATS_CLIENT);
}

/**
 * Connects to NATS with the configured servers, authentication and TLS. Reconnects forever
 * (the node keeps serving its local actors meanwhile).
 * @throws Error naming what failed and what to do: credentials refused (authorization violation),
 *   a TLS handshake or TLS file problem, an unreadable creds file, or no server reachable
 */
export async function connectNats(config: ClusterConfig): Promise<NatsConnectionLike> {
  const nats = loadNatsPackage<NatsTransportPackage>('@nats-io/transport-node');
  const { user, pass, token, credsFile, nkeySeed } = config.auth;
  const options: Record<string, unknown> = {
    servers: [...config.servers],
    name: `acton-ts ${config.cluster}/${config.nodeId}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: Math.max(1000, config.heartbeatMs),
    ...(user !== undefined ? { user, pass } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(config.tls ? { tls: { ...config.tls } } : {}),
  };
  if (credsFile !== undefined) options.authenticator = nats.credsAuthenticator(readCredsFile(credsFile));
  else if (nkeySeed !== undefined) options.authenticator = nats.nkeyAuthenticator(new TextEncoder().encode(nkeySeed));
  try {
    return await nats.connect(options);
  } catch (err) {
    throw connectFailure(config, err);
  }
}

function readCredsFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`Invalid cluster option credsFile: cannot read ${path} (${(err as Error).message})`, {
      cause: err,
    });
  }
}

/** Turns a failed first connect into an error that says which of auth, TLS or reachability failed. */
function connectFailure(config: ClusterConfig, err: unknown): Error {
  const at = config.servers.join(', ');
  const why = err instanceof Error ? err.message : String(err);
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if ((err as Error | undefined)?.name === 'AuthorizationError' || /authorization violation/i.test(why)) {
    return new Error(
      `NATS at ${at} refused this node's credentials (${why}): check the cluster options user/pass, token, ` +
        `nkeySeed or credsFile (or user:pass@ in the server URL) against the authorization block of the ` +
        `nats-server configuration`,
      { cause: err },
    );
  }
  if (config.tls && (/tls|ssl|certificate|cert/i.test(why) || /CERT|TLS|SSL|ENOENT/.test(code))) {
    return new Error(
      `TLS to NATS at ${at} failed (${why}): check the cluster option tls (caFile must hold the CA that signed ` +
        `the server's certificate; certFile/keyFile when the server verifies clients)`,
      { cause: err },
    );
  }
  return new Error(`Cannot reach NATS at ${at}: ${why}. Start one with 'nats-server -js' or set ACTON_NATS_URL`, {
    cause: err,
  });
}

/** Creates (or opens) the JetStream key-value bucket `name`, keeping one revision per key. */
export async function openBucket(connection: NatsConnectionLike, name: string): Promise<KvBucketLike> {
  return openKvBucket(connection, name, 'lease');
}

/** Opens (creating when missing) the KV bucket `name`, one value per key; `what` names it in errors. */
export async function openKvBucket(connection: NatsConnectionLike, name: string, what: string): Promise<KvBucketLike> {
  const kv = loadNatsPackage<NatsKvPackage>('@nats-io/kv');
  try {
    return (await new kv.Kvm(connection).create(name, { history: 1 })) as KvBucketLike;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Cannot open the ${what} bucket '${name}' in JetStream: ${why}. Start nats-server with JetStream on ` +
        `('nats-server -js')`,
      { cause: err },
    );
  }
}
