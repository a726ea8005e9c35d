import 'reflect-metadata';
import { testServerPerSuite } from '../client/fixtures/test-server';
import { waitFor } from '../client/support/wait-for';
import { runActon, startActon } from './support/run-acton';

jest.setTimeout(60_000);

/**
 * Issue 12 points 5-7 through the real CLI: streams without a deadline (`--timeout 0`) and with
 * an idle timeout, `acton call` on a stream handler, `acton subscribe` with a mistyped type.
 * The default deadline is lowered to 300 ms through `ACTON_TIMEOUT_MS` to keep this short.
 */
describe('acton CLI: streams, calls and subscriptions that know what they are talking to', () => {
  const suite = testServerPerSuite({ rateLimit: { enabled: false } });
  const lowDefault = { env: { ACTON_TIMEOUT_MS: '300' } };

  it('a stream longer than the default deadline times out (exit 4), and the hint names --timeout 0', async () => {
    const result = await runActon(
      [...suite.socketArgs, 'stream', 'worker', 'Count', '{"to":3,"delay_ms":250}'],
      lowDefault,
    );
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('error: TIMEOUT: Stream timed out after 300 ms');
    expect(result.stderr).toContain('use --timeout 0 (no deadline)');
  });

  it('--timeout 0 opens the same stream without a deadline: it outlives the default and exits 0', async () => {
    const result = await runActon(
      [...suite.socketArgs, '--timeout', '0', 'stream', 'worker', 'Count', '{"to":3,"delay_ms":250}'],
      lowDefault,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"value":1}\n{"value":2}\n{"value":3}\n');
  });

  it('--idle-timeout ends a stream whose items stop coming (exit 4)', async () => {
    const result = await runActon([
      ...suite.socketArgs,
      '--timeout',
      '0',
      'stream',
      'worker',
      'Count',
      '{"to":2,"delay_ms":5000}',
      '--idle-timeout',
      '300',
    ]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('error: TIMEOUT: Stream idle for 300 ms');
  });

  it('call on a stream handler is refused (exit 2) and points at acton stream', async () => {
    const result = await runActon([...suite.socketArgs, 'call', 'worker', 'Count', '{"to":2,"delay_ms":0}']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'error: Count is a stream handler of worker: acton call would print only its first item',
    );
    expect(result.stderr).toContain(`hint: use acton stream worker Count '{"to":2,"delay_ms":0}'`);
  });

  it('subscribe to a type nobody registers warns and suggests the closest registered name', async () => {
    const subscriber = startActon([...suite.socketArgs, 'subscribe', 'PriceUpdat']);
    await waitFor(() => subscriber.stderr().includes('did you mean'), 'the CLI to warn', 20_000);
    subscriber.child.kill('SIGINT');
    const result = await subscriber.exited;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: PriceUpdat is not a registered message type, so no push of it will come; did you mean PriceUpdate?',
    );
  });

  it('subscribe to a registered type prints no warning', async () => {
    const subscriber = startActon([...suite.socketArgs, 'subscribe', 'PriceUpdate', '--count', '1']);
    await waitFor(() => subscriber.stderr().includes('subscribed to PriceUpdate'), 'the CLI to subscribe', 20_000);
    // The check runs before the first push is awaited, so by the exit after one push it has spoken.
    const { Announce } = await import('../support/test-messages');
    suite.server.app.tell('announcer', Object.assign(new Announce(), { symbol: 'ACME', price: 1 }));
    const result = await subscriber.exited;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('subscribed to PriceUpdate (Ctrl-C to stop)\n');
  });

  it.each([
    ['--help', ['--help']],
    ['ping', [...['--socket', '/nonexistent/acton.sock'], 'ping']],
    ['call', [...['--socket', '/nonexistent/acton.sock'], 'call', 'a', 'B']],
  ])('acton %s does not load the Angular devkit (an optional peer, only for new/generate)', async (_name, args) => {
    const result = await runActon(args, {
      env: { NODE_OPTIONS: `-r ${require.resolve('./support/report-loaded-modules.js')}` },
    });
    expect(result.stderr).toContain('loaded: devkit=0 runner=false');
  });

  it('acton g --dry-run loads it (the check above can fail)', async () => {
    const args = ['g', 'actor', 'probe', '--dry-run'];
    const result = await runActon(args, {
      env: { NODE_OPTIONS: `-r ${require.resolve('./support/report-loaded-modules.js')}` },
    });
    expect(result.stderr).toMatch(/loaded: devkit=[1-9]\d* runner=true/);
  });
});
