import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActonClient } from 'acton-ts/client';
import { REPO_ROOT, SampleProcess, startSample } from '../support/sample-process';

/** tmux, driven by name; every session this test makes is killed in `afterAll`. */
function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function screenOf(session: string): string {
  return tmux('capture-pane', '-p', '-t', session);
}

/** The CalculatorActor row's MSG/S column (the 4th after the name), or undefined. */
function calculatorRate(screen: string): number | undefined {
  const row = screen.split('\n').find((line) => line.startsWith('CalculatorActor '));
  return row ? Number(row.trim().split(/\s+/)[3]) : undefined;
}

async function waitForScreen(
  session: string,
  accept: (screen: string) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = screenOf(session);
    if (accept(screen)) return screen;
    await sleep(200);
  }
  throw new Error(`acton top never showed ${what}; last screen:\n${screen}`);
}

describe('acton top in a terminal (tmux) against the running sample', () => {
  const session = `acton-top-${process.pid}`;
  let sample: SampleProcess;
  let client: ActonClient;
  let load = true;
  let loadDone: Promise<void>;

  beforeAll(async () => {
    sample = await startSample();
    client = await ActonClient.connect({ socketPath: sample.socketPath });
    // Bounded load: at most 60 s, paced so the rate is visible and changes when paused.
    loadDone = (async () => {
      const end = Date.now() + 60_000;
      while (load && Date.now() < end) {
        // The sample's rate limiter may answer RATE_LIMITED: wait as told instead of ending the load.
        const limited = await client.request('calculator', 'AddRequest', { a: 1, b: 2 }).then(
          () => undefined,
          (err: { code?: string; retryAfterMs?: number }) => {
            if (err.code !== 'RATE_LIMITED') throw err;
            return err.retryAfterMs ?? 100;
          },
        );
        await sleep(limited ?? 5);
      }
    })();
    const node = 'node -r ts-node/register/transpile-only -r tsconfig-paths/register';
    const command = `${node} lib/cli/main.ts --socket ${sample.socketPath} top --interval 500`;
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '120',
      '-y',
      '40',
      '-c',
      REPO_ROOT,
      `TS_NODE_TRANSPILE_ONLY=true ${command}; echo acton-top-exited-$?; sleep 30`,
    );
  }, 90_000);

  afterAll(async () => {
    load = false;
    await loadDone;
    await client?.close();
    try {
      tmux('kill-session', '-t', session);
    } catch {
      // already gone
    }
    await sample?.stop();
  }, 30_000);

  it("shows the sample's actors with a live, changing message rate, sorts on a key press and quits on q", async () => {
    let screen = await waitForScreen(session, (s) => (calculatorRate(s) ?? 0) > 0, 'a CalculatorActor rate above 0');
    if (process.env.ACTON_TOP_CAPTURE) require('node:fs').writeFileSync(process.env.ACTON_TOP_CAPTURE, screen);
    for (const actor of [
      'CalculatorActor',
      'KvStoreActor',
      'ListServiceActor',
      'CountdownActor',
      'PriceFeedActor',
      'OrdersActor',
    ]) {
      expect(screen).toContain(actor);
    }
    expect(screen).toMatch(/ACTOR\s+INST\s+MAILBOX\s+MSG\/S\s+ERR\/S\s+P50\s+P99/);
    expect(screen).toMatch(/connections 2\/\d+/); // the load client and top itself
    // sorted by rate: the busy calculator is the first row
    const rows = screen.split('\n');
    expect(rows[rows.findIndex((line) => line.startsWith('ACTOR')) + 1]).toMatch(/^CalculatorActor /);
    const busyRow = rows.find((line) => line.startsWith('CalculatorActor '))!;
    expect(busyRow.trim().split(/\s+/)[5]).not.toBe('-'); // a p50 is shown while it is busy

    tmux('send-keys', '-t', session, 'n');
    screen = await waitForScreen(session, (s) => s.includes('sorted by name'), 'the name sort');
    const names = screen
      .split('\n')
      .filter((line) => /^[A-Z][A-Za-z]+Actor /.test(line))
      .map((line) => line.split(' ')[0]);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));

    load = false;
    await loadDone;
    await waitForScreen(session, (s) => calculatorRate(s) === 0, 'the CalculatorActor rate fall back to 0');

    expect(screenOf(session)).not.toContain('acton-top-exited');
    tmux('send-keys', '-t', session, 'q');
    await waitForScreen(session, (s) => s.includes('acton-top-exited-0'), 'its exit (status 0) after q', 10_000);
  }, 90_000);
});
