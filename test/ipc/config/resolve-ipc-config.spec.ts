import * as path from 'node:path';
import { describeIpcConfig, IPC_DEFAULTS } from '../../../lib/ipc/config';
import { ConfigSandbox } from './config-sandbox';

describe('resolveIpcConfig', () => {
  let box: ConfigSandbox;
  beforeEach(() => (box = new ConfigSandbox()));
  afterEach(() => box.cleanup());

  it('without any configuration yields the docs/protocol.md §5.7 defaults and compat defaults', () => {
    const config = box.resolve();
    expect(config).toEqual({
      socket: { path: path.join(box.runtimeDir, 'acton', 'pricing', 'ipc.sock'), mode: 0o660, appName: 'pricing' },
      limits: { maxConnections: 1024, maxMessageSize: 1_048_576, pushBufferSize: 100 },
      rateLimit: { enabled: true, requestsPerSecond: 100, burstSize: 50 },
      timeouts: {
        requestTimeoutMs: 30_000,
        readTimeoutMs: 60_000,
        writeTimeoutMs: 30_000,
        subscriptionReadTimeoutMs: 0,
      },
      shutdown: { drainTimeoutMs: 5_000 },
      compat: { serial: false, handlerErrors: 'reported' },
      security: { policy: 'none', allowedUids: [], allowedGids: [] },
    });
    expect(box.warnings).toEqual([]);
  });

  it('reads every documented ipc.toml key', () => {
    box.write(
      'config-home/acton/ipc.toml',
      `[socket]
path = "/srv/pricing.sock"
mode = 0o600
app_name = "pricing-eu"
[limits]
max_connections = 7
max_message_size = 2048
push_buffer_size = 3
[rate_limit]
enabled = false
requests_per_second = 5
burst_size = 9
[timeouts]
request_timeout_ms = 11
read_timeout_ms = 12
write_timeout_ms = 13
subscription_read_timeout_ms = 14
[shutdown]
drain_timeout_ms = 15
[compat]
serial = true
handler_errors = "hidden"
`,
    );
    expect(box.resolve()).toEqual({
      socket: { path: '/srv/pricing.sock', mode: 0o600, appName: 'pricing-eu' },
      limits: { maxConnections: 7, maxMessageSize: 2048, pushBufferSize: 3 },
      rateLimit: { enabled: false, requestsPerSecond: 5, burstSize: 9 },
      timeouts: { requestTimeoutMs: 11, readTimeoutMs: 12, writeTimeoutMs: 13, subscriptionReadTimeoutMs: 14 },
      shutdown: { drainTimeoutMs: 15 },
      compat: { serial: true, handlerErrors: 'hidden' },
      security: { policy: 'none', allowedUids: [], allowedGids: [] },
    });
  });

  it('layers defaults < ipc.toml < environment < forRoot, key by key', () => {
    box.write(
      'config-home/acton/ipc.toml',
      '[socket]\npath = "/from/file.sock"\napp_name = "file-app"\n[limits]\nmax_connections = 10\npush_buffer_size = 20\n',
    );
    const env = { ACTON_IPC_SOCKET: '/from/env.sock', ACTON_APP_NAME: 'env-app' };

    const fileOnly = box.resolve();
    expect(fileOnly.socket).toMatchObject({ path: '/from/file.sock', appName: 'file-app' });
    expect(fileOnly.limits).toEqual({ maxConnections: 10, maxMessageSize: 1_048_576, pushBufferSize: 20 });

    const withEnv = box.resolve({}, env);
    expect(withEnv.socket).toMatchObject({ path: '/from/env.sock', appName: 'env-app' });

    const withCode = box.resolve(
      { socket: { path: '/from/code.sock', appName: 'code-app' }, limits: { pushBufferSize: 30 } },
      env,
    );
    expect(withCode.socket).toEqual({ path: '/from/code.sock', mode: 0o660, appName: 'code-app' });
    expect(withCode.limits).toEqual({ maxConnections: 10, maxMessageSize: 1_048_576, pushBufferSize: 30 });
  });

  it('lets ACTON_APP_NAME rename the default socket path while the file sets no path', () => {
    box.write('config-home/acton/ipc.toml', '[socket]\napp_name = "file-app"\n');
    const config = box.resolve({}, { ACTON_APP_NAME: 'env-app' });
    expect(config.socket.path).toBe(path.join(box.runtimeDir, 'acton', 'env-app', 'ipc.sock'));
  });

  it('treats empty environment variables as unset', () => {
    box.write('config-home/acton/ipc.toml', '[socket]\napp_name = "file-app"\n');
    const config = box.resolve({}, { ACTON_APP_NAME: '', ACTON_IPC_SOCKET: '', ACTON_IPC_CONFIG: '' });
    expect(config.socket.appName).toBe('file-app');
  });

  it('ignores forRoot keys set to undefined', () => {
    const config = box.resolve({ socket: { path: undefined }, limits: { maxConnections: undefined } });
    expect(config.socket.path).toBe(path.join(box.runtimeDir, 'acton', 'pricing', 'ipc.sock'));
    expect(config.limits.maxConnections).toBe(1024);
  });

  it('resolves a relative socket path against the working directory', () => {
    expect(box.resolve({ socket: { path: 'run/app.sock' } }).socket.path).toBe(
      path.join(box.appDir, 'run', 'app.sock'),
    );
    expect(box.resolve({}, { ACTON_IPC_SOCKET: './env.sock' }).socket.path).toBe(path.join(box.appDir, 'env.sock'));
  });

  it('puts the socket under /tmp/acton/<app> when XDG_RUNTIME_DIR is empty or unset (§5.6)', () => {
    expect(box.resolve({}, { XDG_RUNTIME_DIR: '' }).socket.path).toBe('/tmp/acton/pricing/ipc.sock');
    delete box.env.XDG_RUNTIME_DIR;
    expect(box.resolve({ socket: { appName: 'quotes' } }).socket.path).toBe('/tmp/acton/quotes/ipc.sock');
  });

  it('returns a deeply frozen object and leaves the defaults and the env untouched', () => {
    const env = { ...box.env };
    const config = box.resolve({ limits: { maxConnections: 3 } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
    expect(Object.isFrozen(config.socket)).toBe(true);
    expect(IPC_DEFAULTS.limits.maxConnections).toBe(1024);
    expect(box.env).toEqual(env);
  });

  it('warns about unknown forRoot options, naming them and the likely intended key', () => {
    const overrides = { limits: { maxConnection: 5 }, ratelimit: { enabled: false } } as never;
    const config = box.resolve(overrides);
    expect(config.limits.maxConnections).toBe(1024);
    expect(box.warnings).toEqual([
      'Ignoring unknown option limits.maxConnection in IpcModule.forRoot() (did you mean limits.maxConnections?).',
      'Ignoring unknown option ratelimit in IpcModule.forRoot() (did you mean rateLimit?).',
    ]);
  });
});

describe('describeIpcConfig', () => {
  it('renders the socket, limits, rate limit, timeouts and compat switches on one line', () => {
    const box = new ConfigSandbox();
    try {
      const line = describeIpcConfig(
        box.resolve({ socket: { path: '/srv/a.sock', mode: 0o600 }, rateLimit: { enabled: false } }),
      );
      expect(line).toBe(
        'socket /srv/a.sock (mode 0o600, app pricing); ' +
          'limits: max_connections=1024, max_message_size=1048576 bytes, push_buffer_size=100; ' +
          'rate limit: off; ' +
          'timeouts: read=60000 ms, subscription_read=none, write=30000 ms, drain=5000 ms; ' +
          'compat: serial=false, handler_errors=reported',
      );
    } finally {
      box.cleanup();
    }
  });
});
