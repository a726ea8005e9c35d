import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ActonApp, bootstrap, Module } from 'acton-ts';
import { ClusterModule, ClusterModuleOptions, resolveClusterOptions } from 'acton-ts/cluster';
import { recordingLogger } from '../support/ipc-test-app';
import { CounterActor, Increment } from './fixtures/cluster-actors';
import { NatsServerProcess, startNatsServer } from './support/nats-server';

jest.setTimeout(120_000);

const run = promisify(execFile);
const REPO_ROOT = join(__dirname, '..', '..');

/** Boots a one-node cluster app against `servers` with `auth` options; the caller closes it. */
async function clusterApp(servers: string, auth: ClusterModuleOptions): Promise<ActonApp> {
  @Module({
    imports: [ClusterModule.forRoot({ servers, cluster: 'auth', heartbeatMs: 200, nodeTimeoutMs: 1500, ...auth })],
    actors: [CounterActor],
  })
  class AuthNodeModule {}
  return bootstrap(AuthNodeModule, { logger: recordingLogger([]) });
}

/** Boots, proves the cluster works end to end (lease bucket + a call by name), closes. */
async function expectClusterWorks(servers: string, auth: ClusterModuleOptions): Promise<void> {
  const app = await clusterApp(servers, auth);
  try {
    expect(app.cluster!.serves('counter')).toBe(true);
    const reply = await app.ask<{ total: number }>('counter', Object.assign(new Increment(), { by: 2 }));
    expect(reply.total).toBe(2);
  } finally {
    await app.close();
  }
}

async function bootFailure(servers: string, auth: ClusterModuleOptions): Promise<string> {
  return clusterApp(servers, auth).then(
    async (app) => {
      await app.close();
      return 'booted';
    },
    (err: Error) => err.message,
  );
}

/** What a refused login must say: the problem (authorization violation) and what to check. */
function expectAuthorizationError(message: string): void {
  expect(message).toMatch(/refused this node's credentials/);
  expect(message).toMatch(/authorization violation/i);
  expect(message).toContain('user/pass, token, nkeySeed or credsFile');
}

describe('cluster: NATS authentication passes through to a real nats-server', () => {
  const servers: NatsServerProcess[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  async function natsWith(config: string): Promise<NatsServerProcess> {
    const server = await startNatsServer(config);
    servers.push(server);
    return server;
  }

  it('logs in with user/password (options or user:pass@ in the URL) and names a refused login', async () => {
    const nats = await natsWith('authorization { user: acton, password: "s3cret" }');
    await expectClusterWorks(nats.url, { user: 'acton', pass: 's3cret' });
    await expectClusterWorks(`nats://acton:s3cret@127.0.0.1:${nats.port}`, {});
    expectAuthorizationError(await bootFailure(nats.url, { user: 'acton', pass: 'wrong' }));
    expectAuthorizationError(await bootFailure(nats.url, {}));
  });

  it('logs in with a token and names a wrong one', async () => {
    const nats = await natsWith('authorization { token: "t0ken-abc" }');
    await expectClusterWorks(nats.url, { token: 't0ken-abc' });
    await expectClusterWorks(`nats://t0ken-abc@127.0.0.1:${nats.port}`, {});
    expectAuthorizationError(await bootFailure(nats.url, { token: 'not-it' }));
  });

  it('logs in with an nkey seed generated for the test and names an unknown key', async () => {
    const nkeys = require('@nats-io/nkeys') as typeof import('@nats-io/nkeys');
    const user = nkeys.createUser();
    const stranger = nkeys.createUser();
    const nats = await natsWith(`authorization { users: [ { nkey: ${user.getPublicKey()} } ] }`);
    const seed = new TextDecoder().decode(user.getSeed());
    expect(seed.startsWith('SU')).toBe(true);
    await expectClusterWorks(nats.url, { nkeySeed: seed });
    expectAuthorizationError(await bootFailure(nats.url, { nkeySeed: new TextDecoder().decode(stranger.getSeed()) }));
  });

  it('names an unreadable credsFile option', async () => {
    const message = await bootFailure('nats://127.0.0.1:1', { credsFile: '/nonexistent/acton.creds' });
    expect(message).toContain('Invalid cluster option credsFile: cannot read /nonexistent/acton.creds');
  });
});

describe('cluster: credentials in the server URL (ACTON_NATS_URL alone can carry them)', () => {
  it('takes user:pass@ or token@ out of the URL, decoded; code options win', () => {
    const env = { ACTON_NATS_URL: 'nats://acton:p%3Ass%40rd@10.0.0.1:4222' };
    expect(resolveClusterOptions({}, env)).toMatchObject({
      servers: ['nats://10.0.0.1:4222'],
      auth: { user: 'acton', pass: 'p:ss@rd' },
    });
    expect(resolveClusterOptions({ servers: 'tls://s3cr3t@h:1' }, {})).toMatchObject({
      servers: ['tls://h:1'],
      auth: { token: 's3cr3t', user: undefined },
    });
    expect(resolveClusterOptions({ user: 'code', pass: 'wins' }, env).auth).toMatchObject({
      user: 'code',
      pass: 'wins',
    });
  });
});

describe('cluster: TLS to a real nats-server with a CA made at test time', () => {
  let nats: NatsServerProcess;
  let certs: string;

  beforeAll(async () => {
    certs = mkdtempSync(join(tmpdir(), 'acton-nats-tls-'));
    const openssl = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: certs, stdio: 'pipe' });
    };
    // A self-signed CA (ca.key, ca.pem), then a server key and certificate it signs for IP 127.0.0.1.
    writeFileSync(join(certs, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(...'req -x509 -newkey rsa:2048 -nodes -days 1 -keyout ca.key -out ca.pem -subj /CN=acton-ca'.split(' '));
    openssl(...'req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1'.split(' '));
    openssl(
      ...'x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1'.split(' '),
      '-extfile',
      'san.ext',
    );
    nats = await startNatsServer(
      `tls { cert_file: "${join(certs, 'server.pem')}", key_file: "${join(certs, 'server.key')}" }`,
    );
  });

  afterAll(async () => {
    await nats?.stop();
    if (certs) rmSync(certs, { recursive: true, force: true });
  });

  it('connects with tls.caFile, and names the TLS problem without it', async () => {
    await expectClusterWorks(nats.url, { tls: { caFile: join(certs, 'ca.pem') } });
    const message = await bootFailure(nats.url, { tls: { caFile: join(certs, 'server.pem') } });
    expect(message).toContain(`TLS to NATS at ${nats.url} failed`);
    expect(message).toContain('check the cluster option tls');
  });
});

describe('acton-ts/cluster without the NATS client installed', () => {
  it('fails at startup with the package name and the install command', async () => {
    const hide = join(REPO_ROOT, 'test', 'support', 'hide-packages.js');
    const script = [
      "const { bootstrap, Module } = require('./lib');",
      "const { ClusterModule } = require('./lib/cluster');",
      "class M {}; Module({ imports: [ClusterModule.forRoot({ servers: 'nats://127.0.0.1:1' })] })(M);",
      'bootstrap(M).then(() => process.exit(0), (err) => { console.error(err.message); process.exit(3); });',
    ].join('\n');
    const failure = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', hide, '-e', script], {
      cwd: REPO_ROOT,
      timeout: 120_000,
      env: { ...process.env, ACTON_HIDE_PACKAGES: '@nats-io/' },
    }).then(
      () => 'started',
      (err: { stderr: string }) => err.stderr,
    );
    expect(failure).toContain(
      'acton-ts/cluster needs the package @nats-io/transport-node (an optional peer dependency of acton-ts)',
    );
    expect(failure).toContain('install it: npm install @nats-io/transport-node @nats-io/jetstream @nats-io/kv');
  }, 150_000);
});
