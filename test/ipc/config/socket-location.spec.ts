import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultSocketPath, resolveAppName } from '../../../lib/ipc/config';

describe('resolveAppName (docs/protocol.md §5.6: a Node executable is always "node")', () => {
  let root: string;
  const write = (relative: string, text = ''): string => {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  const pkg = (dir: string, json: unknown): string => write(path.join(dir, 'package.json'), JSON.stringify(json));

  beforeEach(() => (root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'acton-app-name-')))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('uses a configured name as is', () => {
    pkg('svc', { name: 'svc' });
    expect(resolveAppName({ configured: 'billing', argv1: write('svc/main.js'), cwd: root })).toBe('billing');
  });

  it('takes the nearest package.json name above the entry script, without its scope', () => {
    pkg('svc', { name: '@acme/pricing' });
    const script = write('svc/dist/server/main.js');
    expect(resolveAppName({ argv1: script, cwd: root })).toBe('pricing');
  });

  it('skips package.json files without a name (e.g. dist/package.json with only "type")', () => {
    pkg('svc', { name: 'quotes' });
    pkg('svc/dist', { type: 'commonjs' });
    write('svc/lib/package.json', '{ not json');
    expect(resolveAppName({ argv1: write('svc/dist/main.js'), cwd: root })).toBe('quotes');
    expect(resolveAppName({ argv1: write('svc/lib/main.js'), cwd: root })).toBe('quotes');
  });

  it('resolves a relative entry script against cwd and follows symlinks to the real script', () => {
    pkg('svc', { name: 'ledger' });
    const script = write('svc/main.js');
    fs.mkdirSync(path.join(root, 'bin'));
    fs.symlinkSync(script, path.join(root, 'bin', 'ledger'));
    expect(resolveAppName({ argv1: 'svc/main.js', cwd: root })).toBe('ledger');
    expect(resolveAppName({ argv1: path.join(root, 'bin', 'ledger'), cwd: root })).toBe('ledger');
  });

  it("prefers cwd's package when the entry script is a runner inside node_modules (jest, ts-node)", () => {
    pkg('project', { name: 'inventory' });
    pkg('project/node_modules/ts-node', { name: 'ts-node' });
    const runner = write('project/node_modules/ts-node/dist/bin.js');
    expect(resolveAppName({ argv1: runner, cwd: path.join(root, 'project', 'src') })).toBe('inventory');
  });

  it("falls back to cwd's package when the script has none, e.g. under `node -e`", () => {
    pkg('project', { name: 'inventory' });
    expect(resolveAppName({ argv1: '', cwd: path.join(root, 'project') })).toBe('inventory');
    expect(resolveAppName({ argv1: write('scratch/job.js'), cwd: path.join(root, 'project') })).toBe('inventory');
  });

  it('falls back to the entry script stem, then to "acton", never to "node"', () => {
    write('empty/.keep');
    const cwd = path.join(root, 'empty');
    expect(resolveAppName({ argv1: write('scripts/price-feed.ts'), cwd })).toBe('price-feed');
    expect(resolveAppName({ argv1: write('bin/node'), cwd })).toBe('acton');
    expect(resolveAppName({ argv1: '', cwd })).toBe('acton');
  });
});

describe('defaultSocketPath (docs/protocol.md §5.6)', () => {
  it('is $XDG_RUNTIME_DIR/acton/<app>/ipc.sock', () => {
    expect(defaultSocketPath('pricing', { XDG_RUNTIME_DIR: '/run/user/1000' })).toBe(
      '/run/user/1000/acton/pricing/ipc.sock',
    );
  });

  it('uses /tmp when XDG_RUNTIME_DIR is unset or empty', () => {
    expect(defaultSocketPath('pricing', {})).toBe('/tmp/acton/pricing/ipc.sock');
    expect(defaultSocketPath('pricing', { XDG_RUNTIME_DIR: '' })).toBe('/tmp/acton/pricing/ipc.sock');
  });
});
