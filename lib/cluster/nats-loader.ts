import { readFileSync } from 'node:fs';
import { ClusterConfig } from './cluster-options';
import { KvBucketLike, NatsConnectionLike } from './nats-port';

const INSTALL = 'npm install @nats-io/transport-node @nats-io/jetstream @nats-io/kv';

/**
 * Loads an optional peer dependency only when a cluster starts, so apps without
 * `ClusterModule` never need the NATS client.
 * @throws Error naming the package and the install command when it is missing
 */
function load(name: string): any {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new Error(`acton-ts/cluster needs the optional package ${name}, which is not installed; run: ${INSTALL}`, {
        cause: err,
      });
    }
    throw err;
  }
}

/**
 * Connects to NATS with the configured servers, authentication and TLS. Reconnects forever
 * (the node keeps serving its local actors meanwhile).
 * @throws Error naming the servers and how to start one when none is reachable
 */
export async function connectNats(config: ClusterConfig): Promise<NatsConnectionLike> {
  const nats = load('@nats-io/transport-node');
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
  if (credsFile !== undefined) options.authenticator = nats.credsAuthenticator(readFileSync(credsFile));
  else if (nkeySeed !== undefined) options.authenticator = nats.nkeyAuthenticator(new TextEncoder().encode(nkeySeed));
  try {
    return await nats.connect(options);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Cannot reach NATS at ${config.servers.join(', ')}: ${why}. Start one with 'nats-server -js' or set ` +
        `ACTON_NATS_URL`,
      { cause: err },
    );
  }
}

/** Creates (or opens) the JetStream key-value bucket `name`, keeping one revision per key. */
export async function openBucket(connection: NatsConnectionLike, name: string): Promise<KvBucketLike> {
  return openKvBucket(connection, name, 'lease');
}

/** Opens (creating when missing) the KV bucket `name`, one value per key; `what` names it in errors. */
export async function openKvBucket(connection: NatsConnectionLike, name: string, what: string): Promise<KvBucketLike> {
  const kv = load('@nats-io/kv');
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
