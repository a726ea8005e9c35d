import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exec, expectSuccess, Finished, RunningApp, startNodeApp, waitFor } from '../e2e/support/commands';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** A stream handler that waits `delayMs` between words: long enough to outlive a lowered default deadline. */
const SLOW_WATCH_ACTOR = `import { Actor, OnMessage } from 'acton-ts';
import { WatchReply, WatchRequest } from './watch.messages';

@Actor('watch')
export class WatchActor {
  @OnMessage({ ipc: true, readonly: true })
  async *handle(msg: WatchRequest): AsyncIterable<WatchReply> {
    const words = msg.text.split(/\\s+/);
    for (let index = 0; index < words.length; index++) {
      if (index > 0 && msg.delayMs) await new Promise((r) => setTimeout(r, msg.delayMs));
      yield { text: words[index], count: index + 1 };
    }
  }
}
`;

/** A typed ask written as a newcomer would: it builds only if the reply type is inferred and the fields are checked. */
const TYPED_ASK = `import { ActonClient } from 'acton-ts/client';
import { StockReply, StockRequest } from './stock/stock.messages';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

async function main(): Promise<void> {
  const client = await ActonClient.connect({ socketPath: process.env.ACTON_IPC_SOCKET! });
  const stock = client.actor('stock');
  const reply = await stock.ask(StockRequest, { text: 'widget' });
  const typed: Equal<typeof reply, StockReply> = true;
  // @ts-expect-error text is required
  void (() => stock.ask(StockRequest, {}));
  const count: number = reply.count;
  console.log(JSON.stringify({ reply, count, typed }));
  await client.close();
}

void main();
`;

/** A Python client call, with the Python client shipped inside the acton-ts package. */
const PYTHON_CALL = `
import json, os
from acton_client import ActonClient, ActonError
with ActonClient(socket_path=os.environ["ACTON_IPC_SOCKET"]) as client:
    reply = client.request("stock", "StockRequest", {"text": "from python"})
    try:
        client.request("stock", "StockRequest", {})
        missing = None
    except ActonError as error:
        missing = str(error)
print(json.dumps({"reply": reply, "missing": missing}))
`;

/**
 * Issue 12's "done when": the newcomer path, end to end, on the packed package in a temp dir,
 * offline (npm installs from its cache). `npx acton-ts new` against the tarball (the devkit is
 * provisioned into a temp cache; npm runs with `--offline`), `acton g actor` twice, the project's
 * build and tests, the app started, a typed TS ask that must type-check to the reply type, a
 * Python call, a stream with no deadline outliving a default lowered to 500 ms, `acton call` on a
 * stream handler and `acton subscribe` with a typo giving their messages.
 */
describe('the first hour of a newcomer, on the packed package', () => {
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let tarball: string;
  let newRun: Finished;
  let server: RunningApp | undefined;
  /** The project's own `acton` (what `npx acton` runs there), with `env` unless given another. */
  const acton = (args: readonly string[], withEnv: NodeJS.ProcessEnv = env): Promise<Finished> =>
    exec(join(project, 'node_modules', '.bin', 'acton'), args, project, withEnv);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'acton-newcomer-'));
    env = {
      ...process.env,
      XDG_CACHE_HOME: join(work, 'cache'),
      ACTON_IPC_SOCKET: join(work, 'inventory.sock'),
      ACTON_TIMEOUT_MS: '',
      // No network: every package comes from npm's cache (filled by this checkout's `npm ci`).
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_loglevel: 'error',
    };
    expectSuccess(
      'npm run build (acton-ts)',
      await exec('npm', ['run', '--silent', 'build'], REPO_ROOT, process.env, 240_000),
    );
    expectSuccess(
      'npm pack',
      await exec('npm', ['pack', '--silent', '--pack-destination', work], REPO_ROOT, process.env),
    );
    tarball = join(
      work,
      readdirSync(work).find((name) => name.endsWith('.tgz'))!,
    );
    newRun = await exec(
      'npx',
      ['--yes', '--package', tarball, 'acton-ts', 'new', 'inventory', '--acton-path', tarball],
      work,
      env,
      300_000,
    );
    expectSuccess('npx acton-ts new inventory', newRun);
    project = join(work, 'inventory');
  }, 420_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('npx acton-ts new wrote the project, installed it from the tarball, and said what is next', () => {
    expect(newRun.stdout).toMatch(/^CREATE inventory\/package.json \(\d+ bytes\)$/m);
    expect(newRun.stdout).toContain('Next:\n  cd inventory\n  npm start');
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(pkg.dependencies['acton-ts']).toBe(`file:${tarball}`);
    expect(Object.keys(pkg.devDependencies)).toEqual(
      expect.arrayContaining(['@angular-devkit/schematics', 'typescript']),
    );
    expect(existsSync(join(project, 'node_modules', 'acton-ts', 'dist', 'lib', 'index.js'))).toBe(true);
  });

  it('acton g actor adds a request actor and a stream actor to AppModule', async () => {
    expectSuccess('acton g actor stock', await acton(['g', 'actor', 'stock']));
    expectSuccess('acton g actor watch --stream', await acton(['g', 'actor', 'watch', '--stream']));
    expect(readFileSync(join(project, 'src/app.module.ts'), 'utf8')).toContain(
      'actors: [GreeterActor, StockActor, WatchActor]',
    );
    expect(readFileSync(join(project, 'src/stock/stock.messages.ts'), 'utf8')).toContain(
      'declare readonly __reply?: StockReply;',
    );
    // The newcomer's own change: a watch that takes its time between items.
    writeFileSync(join(project, 'src/watch/watch.actor.ts'), SLOW_WATCH_ACTOR);
    const messages = readFileSync(join(project, 'src/watch/watch.messages.ts'), 'utf8')
      .replace(
        "import { IsNotEmpty, IsString } from 'class-validator';",
        "import { IsInt, IsNotEmpty, IsOptional, IsString } from 'class-validator';",
      )
      .replace(/ {2}text!: string;\n}\n$/, '  text!: string;\n\n  @IsOptional()\n  @IsInt()\n  delayMs?: number;\n}\n');
    writeFileSync(join(project, 'src/watch/watch.messages.ts'), messages);
    writeFileSync(join(project, 'src/typed-ask.ts'), TYPED_ASK);
    // The README's two-file app, as shown there, built with the project.
    mkdirSync(join(project, 'src/first-app'));
    for (const file of ['app.module.ts', 'main.ts'])
      copyFileSync(join(__dirname, 'first-app', file), join(project, 'src/first-app', file));
  }, 120_000);

  it('npm test passes: the generated specs of greeter, stock and watch', async () => {
    const result = expectSuccess('npm test', await exec('npm', ['test', '--silent'], project, env, 180_000));
    expect(result.stderr).toMatch(/Tests:\s+6 passed, 6 total/);
  }, 200_000);

  it('npm run build type-checks the typed ask (reply inferred, fields checked) and compiles the app', async () => {
    expectSuccess('npm run build', await exec('npm', ['run', '--silent', 'build'], project, env, 180_000));
    expect(existsSync(join(project, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(project, 'dist/typed-ask.js'))).toBe(true);
  }, 200_000);

  it('the app starts and answers the typed TS ask', async () => {
    server = await startNodeApp('dist/main.js', project, env, `inventory listening on ${env.ACTON_IPC_SOCKET}`);
    const typed = expectSuccess(
      'node dist/typed-ask.js',
      await exec(process.execPath, ['dist/typed-ask.js'], project, env),
    );
    expect(JSON.parse(typed.stdout)).toEqual({ reply: { text: 'widget', count: 1 }, count: 1, typed: true });
  }, 60_000);

  it('Python calls it with the client shipped in the package, and a missing field is called required', async () => {
    const pythonPath = join(project, 'node_modules', 'acton-ts', 'clients', 'python');
    const result = expectSuccess(
      'python3',
      await exec('python3', ['-c', PYTHON_CALL], project, { ...env, PYTHONPATH: pythonPath }),
    );
    const answer = JSON.parse(result.stdout);
    expect(answer.reply).toEqual({ text: 'from python', count: 2 });
    expect(answer.missing).toContain('text: text is required');
  }, 60_000);

  it('a stream with the default deadline (lowered to 500 ms) times out and the hint names --timeout 0', async () => {
    const lowered = { ...env, ACTON_TIMEOUT_MS: '500' };
    const result = await acton(['stream', 'watch', 'WatchRequest', '{"text":"low on widgets","delayMs":400}'], lowered);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('Stream timed out after 500 ms');
    expect(result.stderr).toContain('--timeout 0 (no deadline)');
  }, 60_000);

  it('the same stream opened with --timeout 0 outlives that default and ends normally', async () => {
    const lowered = { ...env, ACTON_TIMEOUT_MS: '500' };
    const args = ['--timeout', '0', 'stream', 'watch', 'WatchRequest', '{"text":"low on widgets","delayMs":400}'];
    const result = expectSuccess('acton --timeout 0 stream', await acton(args, lowered));
    expect(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { text: 'low', count: 1 },
      { text: 'on', count: 2 },
      { text: 'widgets', count: 3 },
    ]);
  }, 60_000);

  it('acton call on the stream handler says to use acton stream', async () => {
    const result = await acton(['call', 'watch', 'WatchRequest', '{"text":"a b"}']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('WatchRequest is a stream handler of watch');
    expect(result.stderr).toContain(`use acton stream watch WatchRequest '{"text":"a b"}'`);
  }, 60_000);

  it('acton subscribe with a typo warns and suggests the registered name', async () => {
    const subscriber = spawn(join(project, 'node_modules', '.bin', 'acton'), ['subscribe', 'WatchReplay'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    subscriber.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => subscriber.once('exit', (code) => done(code)));
    await waitFor(
      () => stderr.includes('did you mean'),
      30_000,
      () => stderr,
    );
    subscriber.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain(
      'warning: WatchReplay is not a registered message type, so no push of it will come; did you mean WatchReply?',
    );
  }, 60_000);

  it("the README's two-file app runs, answers the CLI, and calls a missing field required", async () => {
    const socket = join(work, 'first-app.sock');
    const appEnv = { ...env, ACTON_IPC_SOCKET: socket };
    const firstApp = await startNodeApp('dist/first-app/main.js', project, appEnv, `inventory listening on ${socket}`);
    try {
      const reserved = expectSuccess(
        'acton call',
        await acton(['call', 'inventory', 'Reserve', '{"sku":"widget","qty":2}'], appEnv),
      );
      expect(reserved.stdout).toBe('{"sku":"widget","left":8}\n');
      const missing = await acton(['call', 'inventory', 'Reserve', '{"sku":"widget"}'], appEnv);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(
        'error: SERIALIZATION_ERROR: Serialization error: qty: qty is required (min, isInt)',
      );
      const tooMany = await acton(['call', 'inventory', 'Reserve', '{"sku":"widget","qty":20}'], appEnv);
      expect(tooMany.code).toBe(1);
      expect(tooMany.stderr).toContain('error: OUT_OF_STOCK: only 8 widget left');
    } finally {
      await firstApp.stop();
    }
  }, 60_000);

  it('Ctrl-C stops the app', async () => {
    expect(await server!.stop()).toBe(0);
  }, 30_000);
});
