import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runActon } from './support/run-acton';

jest.setTimeout(120_000);

/**
 * Issue 12 point 2 through the real CLI: `acton new` against a registry that does not have
 * acton-ts (a loopback HTTP server answering 404 to everything, as the public registry does for
 * an unpublished package) writes nothing and says how to point at a clone or tarball (exit 2);
 * an install that fails leaves the files, says so and what to run (exit 5).
 */
describe('acton new when the registry cannot provide acton-ts', () => {
  let registry: Server;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    registry = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"Not found"}');
    });
    await new Promise<void>((done) => registry.listen(0, '127.0.0.1', done));
    const { port } = registry.address() as AddressInfo;
    env = {
      npm_config_registry: `http://127.0.0.1:${port}/`,
      npm_config_fetch_retries: '0',
      npm_config_prefer_offline: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
  });

  afterAll(async () => {
    await new Promise((done) => registry.close(done));
  });

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'acton-new-install-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('without --acton-path: says acton-ts is not on the registry, how to point at a clone or tarball; exit 2, nothing written', async () => {
    const result = await runActon(['new', 'demo'], { cwd: dir, env, timeoutMs: 60_000 });
    expect(result.stderr).toContain('error: acton-ts 0.1.0 is not on the npm registry yet');
    expect(result.stderr).toContain('nothing was written');
    expect(result.stderr).toContain('--acton-path ./acton-ts/acton-ts-0.1.0.tgz');
    expect(result.code).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a failed install keeps the files, says what to run to finish, and exits 5', async () => {
    mkdirSync(join(dir, 'not-a-package'));
    const result = await runActon(['new', 'demo', '--acton-path', 'not-a-package'], {
      cwd: dir,
      env,
      timeoutMs: 90_000,
    });
    expect(result.stdout).toMatch(/^CREATE demo\/package.json \(\d+ bytes\)$/m);
    expect(result.stderr).toMatch(/error: npm install failed in demo \(exit \d+\)/);
    expect(result.stderr).toContain(
      "hint: the project's files are written; fix the cause printed above, then finish with: cd demo && npm install",
    );
    expect(result.code).toBe(5);
    expect(existsSync(join(dir, 'demo', 'src', 'main.ts'))).toBe(true);
  });
});
