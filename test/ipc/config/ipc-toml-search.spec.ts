import * as fs from 'node:fs';
import * as path from 'node:path';
import { ipcTomlSearchPaths } from '../../../lib/ipc/config';
import { ConfigSandbox } from './config-sandbox';

/** Each candidate file sets a distinct max_connections, so the winner is visible in the result. */
describe('finding ipc.toml (docs/protocol.md §5.7)', () => {
  let box: ConfigSandbox;
  beforeEach(() => (box = new ConfigSandbox()));
  afterEach(() => box.cleanup());

  const marker = (n: number): string => `[limits]\nmax_connections = ${n}\n`;
  const winner = (): number => box.resolve().limits.maxConnections;

  it('searches per-app in $XDG_CONFIG_HOME then each $XDG_CONFIG_DIRS entry, then shared in the same order', () => {
    const files = [
      box.write('config-home/acton/pricing/ipc.toml', marker(1)),
      box.write('config-dir-a/acton/pricing/ipc.toml', marker(2)),
      box.write('config-dir-b/acton/pricing/ipc.toml', marker(3)),
      box.write('config-home/acton/ipc.toml', marker(4)),
      box.write('config-dir-a/acton/ipc.toml', marker(5)),
      box.write('config-dir-b/acton/ipc.toml', marker(6)),
    ];
    for (const [index, file] of files.entries()) {
      expect(winner()).toBe(index + 1);
      fs.rmSync(file);
    }
    expect(winner()).toBe(1024);
  });

  it('prefers any per-app file over the shared file in $XDG_CONFIG_HOME', () => {
    box.write('config-home/acton/ipc.toml', marker(4));
    box.write('config-dir-b/acton/pricing/ipc.toml', marker(3));
    expect(winner()).toBe(3);
  });

  it('uses only the first file found: its missing keys take the defaults, not the next file', () => {
    box.write('config-home/acton/pricing/ipc.toml', '[limits]\npush_buffer_size = 7\n');
    box.write('config-home/acton/ipc.toml', marker(4));
    expect(box.resolve().limits).toEqual({ maxConnections: 1024, maxMessageSize: 1_048_576, pushBufferSize: 7 });
  });

  it('names the per-app directory after the forRoot or ACTON_APP_NAME app name when one is given', () => {
    box.write('config-home/acton/pricing/ipc.toml', marker(1));
    box.write('config-home/acton/quotes/ipc.toml', marker(2));
    box.write('config-home/acton/billing/ipc.toml', marker(3));
    expect(box.resolve({}, { ACTON_APP_NAME: 'quotes' }).limits.maxConnections).toBe(2);
    expect(box.resolve({ socket: { appName: 'billing' } }, { ACTON_APP_NAME: 'quotes' }).limits.maxConnections).toBe(3);
  });

  it('defaults $XDG_CONFIG_HOME to ~/.config and $XDG_CONFIG_DIRS to /etc/xdg', () => {
    delete box.env.XDG_CONFIG_HOME;
    delete box.env.XDG_CONFIG_DIRS;
    const home = box.env.HOME!;
    expect(ipcTomlSearchPaths('pricing', box.env)).toEqual([
      path.join(home, '.config/acton/pricing/ipc.toml'),
      '/etc/xdg/acton/pricing/ipc.toml',
      path.join(home, '.config/acton/ipc.toml'),
      '/etc/xdg/acton/ipc.toml',
    ]);
    box.env.XDG_CONFIG_DIRS = box.configDirA; // keep the real /etc/xdg out of the file lookup
    box.write('home/.config/acton/ipc.toml', marker(8));
    expect(winner()).toBe(8);
  });

  it('ignores relative XDG directories, as the XDG spec requires', () => {
    const paths = ipcTomlSearchPaths('a', { HOME: '/h', XDG_CONFIG_HOME: 'rel', XDG_CONFIG_DIRS: 'rel2::/abs' });
    expect(paths).toEqual([
      '/h/.config/acton/a/ipc.toml',
      '/abs/acton/a/ipc.toml',
      '/h/.config/acton/ipc.toml',
      '/abs/acton/ipc.toml',
    ]);
  });

  it('reads $ACTON_IPC_CONFIG instead of searching, and an explicit configFile over both', () => {
    box.write('config-home/acton/pricing/ipc.toml', marker(1));
    const fromEnv = box.write('elsewhere/env.toml', marker(2));
    const fromCode = box.write('elsewhere/code.toml', marker(3));
    expect(box.resolve({}, { ACTON_IPC_CONFIG: fromEnv }).limits.maxConnections).toBe(2);
    expect(box.resolve({ configFile: fromCode }, { ACTON_IPC_CONFIG: fromEnv }).limits.maxConnections).toBe(3);
    expect(box.resolve({ configFile: '../elsewhere/code.toml' }).limits.maxConnections).toBe(3);
    expect(box.infos).toContain(
      `Reading IPC configuration from ${fromCode} (chosen by configFile in IpcModule.forRoot())`,
    );
  });

  it('fails naming the path when ACTON_IPC_CONFIG or configFile points at nothing', () => {
    const missing = path.join(box.root, 'nope', 'ipc.toml');
    expect(box.resolveError({}, { ACTON_IPC_CONFIG: missing })).toBe(
      `IPC config file ${missing} (from the environment variable ACTON_IPC_CONFIG) does not exist. ` +
        'Create it, correct the path, or remove the setting to use the XDG search.',
    );
    expect(box.resolveError({ configFile: missing })).toContain(
      `IPC config file ${missing} (from configFile in IpcModule.forRoot()) does not exist.`,
    );
    expect(box.resolveError({ configFile: box.root })).toContain(
      `IPC config file ${box.root} (from configFile in IpcModule.forRoot()) is not a regular file.`,
    );
  });

  it('fails startup with the path, line, column and parser message when the file does not parse (§0 D8)', () => {
    const file = box.write('config-home/acton/ipc.toml', '[limits]\nmax_connections = 10\nmax_message_size = = 5\n');
    const message = box.resolveError();
    expect(message).toMatch(new RegExp(`^Failed to parse IPC config file ${file} at line 3, column \\d+: \\S`));
    expect(message).toContain('max_message_size = = 5');
    expect(message).toContain('Fix the TOML syntax');
  });

  it('reports a duplicate key as a parse error on its line', () => {
    const file = box.write('config-home/acton/ipc.toml', '[socket]\nmode = 0o600\n\nmode = 0o640\n');
    expect(box.resolveError()).toMatch(new RegExp(`^Failed to parse IPC config file ${file} at line 4, column \\d+: `));
  });

  it('ignores unknown sections and keys with a warning that names them and suggests the real key', () => {
    const file = box.write(
      'config-home/acton/ipc.toml',
      '[limits]\nmax_conections = 5\nmaxMessageSize = 10\n[ratelimit]\nenabled = false\n[future]\nthing = 1\n',
    );
    const config = box.resolve();
    expect(config.limits.maxConnections).toBe(1024);
    expect(config.rateLimit.enabled).toBe(true);
    expect(box.warnings).toEqual([
      `Ignoring unknown key limits.max_conections in IPC config file ${file} (did you mean limits.max_connections?).`,
      `Ignoring unknown key limits.maxMessageSize in IPC config file ${file} (did you mean limits.max_message_size?).`,
      `Ignoring unknown section [ratelimit] in IPC config file ${file} (did you mean rate_limit?).`,
      `Ignoring unknown section [future] in IPC config file ${file} (check the spelling against the documented keys).`,
    ]);
  });

  it('fails when a known section is not a table', () => {
    const file = box.write('config-home/acton/ipc.toml', 'limits = 5\n');
    expect(box.resolveError()).toBe(
      `Invalid IPC configuration: limits (set in ${file}) is 5, but it must be a table: write its keys under a [limits] header.`,
    );
  });
});
