import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ActonClient } from 'acton-ts/client';
import { lastValueFrom, toArray } from 'rxjs';
import { exec, expectSuccess, Finished, RunningApp, startNodeApp } from './support/commands';

const REPO_ROOT = resolve(__dirname, '..', '..');
const ACTON = join(REPO_ROOT, 'dist', 'lib', 'cli', 'main.js');

/**
 * Links the new project's dependencies to this checkout's (acton-ts itself, and the packages
 * its package.json lists) instead of `npm install`, so the test needs no network; `acton new`
 * without `--skip-install` runs npm install for users.
 */
function linkDependencies(project: string): void {
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  const modules = join(project, 'node_modules');
  mkdirSync(modules);
  symlinkSync(join(REPO_ROOT, 'node_modules', '.bin'), join(modules, '.bin'), 'dir');
  for (const dep of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
    const target = dep === 'acton-ts' ? REPO_ROOT : join(REPO_ROOT, 'node_modules', dep);
    mkdirSync(dirname(join(modules, dep)), { recursive: true });
    symlinkSync(target, join(modules, dep), 'dir');
  }
}

/**
 * Issue 6's end-to-end check, as a user: `acton new demo` (acton-ts from this checkout), then
 * `acton g actor price-feed` and `acton g actor ticker --stream`, the project's own `npm test`
 * and `npm run build`, and the built app answering over its Unix socket; Ctrl-C stops it.
 */
describe('a project made by acton new and acton g', () => {
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let server: RunningApp | undefined;
  let newRun: Finished;
  let generateRun: Finished;

  beforeAll(async () => {
    expectSuccess(
      'npm run build (acton-ts)',
      await exec('npm', ['run', '--silent', 'build'], REPO_ROOT, process.env, 240_000),
    );
    work = mkdtempSync(join(tmpdir(), 'acton-e2e-new-'));
    project = join(work, 'demo');
    env = { ...process.env, XDG_CONFIG_HOME: join(work, 'xdg'), ACTON_IPC_SOCKET: join(work, 'demo.sock') };
    newRun = await exec(
      process.execPath,
      [ACTON, 'new', 'demo', '--skip-install', '--acton-path', REPO_ROOT],
      work,
      env,
      60_000,
    );
    expectSuccess('acton new demo', newRun);
    linkDependencies(project);
    generateRun = await exec(process.execPath, [ACTON, 'g', 'actor', 'price-feed'], project, env, 60_000);
    expectSuccess('acton g actor price-feed', generateRun);
    expectSuccess(
      'acton g actor ticker --stream',
      await exec(process.execPath, [ACTON, 'g', 'actor', 'ticker', '--stream'], project, env, 60_000),
    );
  }, 400_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('acton new printed the files it created and the next commands', () => {
    expect(newRun.stdout).toMatch(/^CREATE demo\/package.json \(\d+ bytes\)$/m);
    expect(newRun.stdout).toMatch(/^CREATE demo\/src\/greeter\/greeter.actor.ts \(\d+ bytes\)$/m);
    expect(newRun.stdout).toContain('cd demo');
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies['acton-ts']).toBe(
      `file:${REPO_ROOT}`,
    );
  });

  it('acton g actor price-feed created the actor and listed it in AppModule', () => {
    expect(generateRun.stdout).toMatch(/^CREATE src\/price-feed\/price-feed.actor.ts \(\d+ bytes\)$/m);
    expect(generateRun.stdout).toMatch(/^UPDATE src\/app.module.ts \(\d+ bytes\)$/m);
    expect(readFileSync(join(project, 'src/app.module.ts'), 'utf8')).toContain(
      'actors: [GreeterActor, PriceFeedActor, TickerActor]',
    );
  });

  it('npm test passes: the three generated specs', async () => {
    const result = await exec('npm', ['test', '--silent'], project, env, 180_000);
    expectSuccess('npm test (demo)', result);
    expect(result.stderr).toMatch(/Tests:\s+6 passed, 6 total/);
  }, 200_000);

  it('npm run build compiles the app', async () => {
    expectSuccess('npm run build (demo)', await exec('npm', ['run', '--silent', 'build'], project, env, 180_000));
    expect(existsSync(join(project, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(project, 'dist/price-feed/price-feed.actor.spec.js'))).toBe(false);
  }, 200_000);

  it('the built app answers over its Unix socket, then stops on Ctrl-C', async () => {
    const socketPath = env.ACTON_IPC_SOCKET!;
    server = await startNodeApp('dist/main.js', project, env, `demo listening on ${socketPath}`);

    const client = await ActonClient.connect({ socketPath });
    try {
      expect(await client.request('price_feed', 'PriceFeedRequest', { text: 'hello' })).toEqual({
        text: 'hello',
        count: 1,
      });
      expect(await client.request('greeter', 'GreeterRequest', { text: 'hi' })).toEqual({ text: 'hi', count: 1 });
      const words = await lastValueFrom(
        client.stream('ticker', 'TickerRequest', { text: 'up and away' }).pipe(toArray()),
      );
      expect(words).toEqual([
        { text: 'up', count: 1 },
        { text: 'and', count: 2 },
        { text: 'away', count: 3 },
      ]);
      await expect(client.request('price_feed', 'PriceFeedRequest', { text: '' })).rejects.toMatchObject({
        code: 'SERIALIZATION_ERROR',
      });
    } finally {
      await client.close();
    }

    expect(await server.stop()).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
  }, 60_000);
});
