import { ConfigSandbox } from './config-sandbox';

describe('validating IPC configuration values (docs/protocol.md §0 D8)', () => {
  let box: ConfigSandbox;
  let file: string;
  beforeEach(() => {
    box = new ConfigSandbox();
    file = `${box.configHome}/acton/ipc.toml`;
  });
  afterEach(() => box.cleanup());

  /** Writes one `section.key = value` line into the shared ipc.toml and returns the error message. */
  const fileError = (tomlKey: string, tomlValue: string): string => {
    const [section, key] = tomlKey.split('.');
    box.write('config-home/acton/ipc.toml', `[${section}]\n${key} = ${tomlValue}\n`);
    return box.resolveError();
  };

  it.each([
    ['socket.path', '""', '""', 'a non-empty file path (absolute, or relative to the working directory)'],
    ['socket.path', '5', '5', 'a non-empty file path (absolute, or relative to the working directory)'],
    [
      'socket.app_name',
      '"a/b"',
      '"a/b"',
      'a non-empty name without "/" (it becomes a directory of the socket path, §5.6)',
    ],
    [
      'socket.app_name',
      '".."',
      '".."',
      'a non-empty name without "/" (it becomes a directory of the socket path, §5.6)',
    ],
    ['limits.max_connections', '0', '0', 'an integer ≥ 1 (concurrent connections)'],
    ['limits.max_connections', '2.5', '2.5', 'an integer ≥ 1 (concurrent connections)'],
    ['limits.max_connections', '-3', '-3', 'an integer ≥ 1 (concurrent connections)'],
    ['limits.max_connections', '9223372036854775807', '9223372036854775807', 'an integer ≥ 1 (concurrent connections)'],
    ['limits.max_message_size', '0', '0', 'an integer from 1 to 16777216 (bytes; the protocol caps it at 16 MiB)'],
    ['limits.push_buffer_size', '0', '0', 'an integer ≥ 1 (notifications per connection)'],
    ['limits.push_buffer_size', '[1, 2]', '[1,2]', 'an integer ≥ 1 (notifications per connection)'],
    ['rate_limit.enabled', '1', '1', 'true or false'],
    ['rate_limit.requests_per_second', '-1', '-1', 'an integer ≥ 0 (tokens per second)'],
    ['rate_limit.burst_size', '0', '0', 'an integer ≥ 1 (tokens)'],
    ['timeouts.request_timeout_ms', '-1', '-1', 'an integer from 0 to 2147483647 (milliseconds; 0 = none)'],
    ['timeouts.read_timeout_ms', '1.5', '1.5', 'an integer from 0 to 2147483647 (milliseconds; 0 = none)'],
    [
      'timeouts.write_timeout_ms',
      '2147483648',
      '2147483648',
      'an integer from 0 to 2147483647 (milliseconds; 0 = none)',
    ],
    [
      'timeouts.subscription_read_timeout_ms',
      'inf',
      'Infinity',
      'an integer from 0 to 2147483647 (milliseconds; 0 = none)',
    ],
    ['shutdown.drain_timeout_ms', '-5', '-5', 'an integer from 0 to 2147483647 (milliseconds; 0 = do not wait)'],
    ['compat.serial', '"yes"', '"yes"', 'true or false'],
    [
      'compat.handler_errors',
      '"silent"',
      '"silent"',
      `"reported" (errors reach the caller, docs/protocol.md §0 D1) or "hidden" (the reference's no-reply IO_ERROR)`,
    ],
  ])('rejects %s = %s in ipc.toml, naming key, file, value and range', (key, tomlValue, shown, expectation) => {
    expect(fileError(key, tomlValue)).toBe(
      `Invalid IPC configuration: ${key} (set in ${file}) is ${shown}, but it must be ${expectation}.`,
    );
  });

  it('names forRoot keys in camelCase and credits IpcModule.forRoot()', () => {
    expect(box.resolveError({ limits: { maxMessageSize: 0 } })).toBe(
      'Invalid IPC configuration: limits.maxMessageSize (set in IpcModule.forRoot()) is 0, ' +
        'but it must be an integer from 1 to 16777216 (bytes; the protocol caps it at 16 MiB).',
    );
    expect(box.resolveError({ compat: { handlerErrors: 'loud' as never } })).toMatch(
      /^Invalid IPC configuration: compat\.handlerErrors \(set in IpcModule\.forRoot\(\)\) is "loud", but it must be "reported"/,
    );
    expect(box.resolveError({ timeouts: { readTimeoutMs: '100' as never } })).toBe(
      'Invalid IPC configuration: timeouts.readTimeoutMs (set in IpcModule.forRoot()) is "100", ' +
        'but it must be an integer from 0 to 2147483647 (milliseconds; 0 = none). Write the number without quotes.',
    );
    expect(box.resolveError({ limits: 5 as never })).toBe(
      'Invalid IPC configuration: limits (set in IpcModule.forRoot()) is 5, but it must be an object such as { limits: { ... } }.',
    );
    expect(box.resolveError({ configFile: 42 as never })).toBe(
      'Invalid IPC configuration: configFile (set in IpcModule.forRoot()) is 42, but it must be the path of an ipc.toml file.',
    );
  });

  it('names the environment variable when its value is invalid', () => {
    expect(box.resolveError({}, { ACTON_APP_NAME: 'team/pricing' })).toBe(
      'Invalid IPC configuration: ACTON_APP_NAME (set in the environment) is "team/pricing", ' +
        'but it must be a non-empty name without "/" (it becomes a directory of the socket path, §5.6).',
    );
  });

  it('rejects a bad value even when a later layer overrides it', () => {
    box.write('config-home/acton/ipc.toml', '[limits]\nmax_connections = 0\n');
    expect(box.resolveError({ limits: { maxConnections: 5 } })).toContain(
      `limits.max_connections (set in ${file}) is 0`,
    );
  });

  it('reads socket.mode as a TOML octal literal', () => {
    box.write('config-home/acton/ipc.toml', '[socket]\nmode = 0o600\n');
    expect(box.resolve().socket.mode).toBe(0o600);
    expect(box.resolve({ socket: { mode: 0 } }).socket.mode).toBe(0);
    expect(box.resolve({ socket: { mode: 0o777 } }).socket.mode).toBe(0o777);
  });

  it('explains a mode written in decimal or quoted', () => {
    expect(fileError('socket.mode', '600')).toBe(
      `Invalid IPC configuration: socket.mode (set in ${file}) is 600 (0o1130), but it must be an integer from 0 to 0o777 (511), ` +
        'a file mode such as 0o660. Did you mean 0o600? A mode without the 0o prefix is read as decimal.',
    );
    expect(fileError('socket.mode', '"0660"')).toBe(
      `Invalid IPC configuration: socket.mode (set in ${file}) is "0660", but it must be an integer from 0 to 0o777 (511), ` +
        'a file mode such as 0o660. Write the octal literal 0o660 without quotes.',
    );
    expect(fileError('socket.mode', '0o1777')).toContain(
      'is 1023 (0o1777), but it must be an integer from 0 to 0o777 (511), a file mode such as 0o660.',
    );
  });

  it('suggests dropping the quotes from a quoted boolean', () => {
    expect(fileError('rate_limit.enabled', '"false"')).toBe(
      `Invalid IPC configuration: rate_limit.enabled (set in ${file}) is "false", but it must be true or false. Write it without quotes.`,
    );
  });

  it('clamps max_message_size above 16 MiB to 16 MiB with a warning (docs/protocol.md §1.3)', () => {
    box.write('config-home/acton/ipc.toml', '[limits]\nmax_message_size = 33554432\n');
    expect(box.resolve().limits.maxMessageSize).toBe(16_777_216);
    expect(box.warnings).toEqual([
      `limits.max_message_size (set in ${file}) is 33554432, above the protocol's hard limit of 16777216 bytes ` +
        '(16 MiB, docs/protocol.md §1.3); using 16777216.',
    ]);
    expect(box.resolve({ limits: { maxMessageSize: 16_777_216 } }).limits.maxMessageSize).toBe(16_777_216);
  });

  it('rejects requests_per_second = 0 while rate limiting is on, and allows it when off (§5.1)', () => {
    box.write('config-home/acton/ipc.toml', '[rate_limit]\nrequests_per_second = 0\n');
    expect(box.resolveError()).toBe(
      `Invalid IPC configuration: rate_limit.requests_per_second (set in ${file}) is 0, but it must be an integer ≥ 1 ` +
        'while rate limiting is enabled (rate limiting is on by default). ' +
        'Set it to at least 1, or disable rate limiting (rate_limit.enabled = false).',
    );
    expect(box.resolveError({ rateLimit: { enabled: true } })).toContain(
      '(rateLimit.enabled is true in IpcModule.forRoot())',
    );
    expect(box.resolve({ rateLimit: { enabled: false } }).rateLimit).toEqual({
      enabled: false,
      requestsPerSecond: 0,
      burstSize: 50,
    });
  });

  it('accepts the boundary values', () => {
    const config = box.resolve({
      limits: { maxConnections: 1, maxMessageSize: 1, pushBufferSize: 1 },
      rateLimit: { requestsPerSecond: 1, burstSize: 1 },
      timeouts: { requestTimeoutMs: 0, readTimeoutMs: 2_147_483_647, writeTimeoutMs: 0, subscriptionReadTimeoutMs: 0 },
      shutdown: { drainTimeoutMs: 0 },
    });
    expect(config.limits).toEqual({ maxConnections: 1, maxMessageSize: 1, pushBufferSize: 1 });
    expect(config.timeouts.readTimeoutMs).toBe(2_147_483_647);
    expect(box.warnings).toEqual([]);
  });
});
