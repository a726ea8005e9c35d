import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, SampleProcess, socketRemoved, startSample } from '../support/sample-process';

const run = promisify(execFile);

/**
 * Issue 5's end-to-end check: `npm run sample` as a child process, the Python and TypeScript
 * demos against it, their output checked pattern by pattern, then Ctrl-C drains and cleans up.
 */
describe('the sample app, as a new user runs it', () => {
  let sample: SampleProcess;

  beforeAll(async () => {
    sample = await startSample({ PRICE_INTERVAL_MS: '100' });
  }, 90_000);

  afterAll(async () => {
    await sample?.stop();
  }, 20_000);

  it('prints the socket path and the demo commands at start', () => {
    expect(sample.output()).toContain(`listening on ${sample.socketPath}`);
    expect(sample.output()).toContain('python3 sample/clients/demo.py');
    expect(sample.output()).toContain('sample/clients/demo.ts');
  });

  it('serves every pattern to the Python demo', async () => {
    const { stdout } = await run('python3', [join(REPO_ROOT, 'sample/clients/demo.py')], {
      env: { ...process.env, ACTON_IPC_SOCKET: sample.socketPath },
      timeout: 60_000,
    });
    expectDemoOutput(stdout);
  }, 70_000);

  it('serves every pattern to the TypeScript demo', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(REPO_ROOT, 'sample/clients/demo.ts'),
      ],
      { cwd: REPO_ROOT, env: { ...process.env, ACTON_IPC_SOCKET: sample.socketPath }, timeout: 60_000 },
    );
    expectDemoOutput(stdout);
  }, 70_000);

  it('drains on Ctrl-C, exits without being killed and removes its socket', async () => {
    // npm forwards Ctrl-C to the sample and then re-raises it on itself, so npm's own exit is
    // reported as SIGINT; a sample that did not stop in time would end as SIGKILL instead.
    expect([0, 'SIGINT']).toContain(await sample.stop());
    expect(socketRemoved(sample)).toBe(true);
  }, 20_000);
});

/** The lines both demos print, checked for each pattern of the seed. */
function expectDemoOutput(stdout: string): void {
  expect(stdout).toMatch(/\[discover\] .*calculator.*countdown.*kv_store.*list_service.*orders.*price_feed/);
  expect(stdout).toContain('[request] 5 + 3 = 8');
  expect(stdout).toContain('[kv] greeting = "hello", nope = null');
  // Both demos run against one sample: the second finds the first one's cart (a keyed actor's state).
  expect(stdout).toMatch(/\[cart\] u-42: \{"apple":(2|4),"pear":(1|2)\}, u-7: \{\}/);
  expect(stdout).toMatch(/\[stream\] list_service sent 25 items: ids 1\.\.25, then the final frame/);
  expect(stdout).toContain('[countdown] 3 2 1');
  expect(
    stdout.match(/^\[push\] (PriceUpdate|TradeExecuted) \w+ [\d.]+ from price_feed$/gm)?.length ?? 0,
  ).toBeGreaterThanOrEqual(2);
  expect(stdout).toContain('[orders] PRODUCT_NOT_FOUND: Product not found: unicorn');
  expect(stdout).toMatch(/\[orders\] OUT_OF_STOCK: Out of stock: gizmo/);
  expect(stdout).toMatch(/\[validation\] SERIALIZATION_ERROR: Serialization error: .*a/);
  expect(stdout).toContain('[routing] ACTOR_NOT_FOUND: Actor not found: pricing');
  expect(stdout).toMatch(/\[done\] (python|typescript) demo finished/);
}
