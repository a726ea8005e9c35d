import { runSupervisionDemo } from '../../../sample/supervision/supervision-demo';

describe('the README supervision example (sample/supervision/supervision-demo.ts)', () => {
  it('restarts the payments actor with fresh state after a failing charge, and keeps its child', async () => {
    const lines: string[] = [];
    await runSupervisionDemo((line) => lines.push(line));
    expect(lines).toEqual([
      'charge 40 → total 40',
      'charge 2 → total 42',
      'charge 5000 → error: card processor glitch on 5000',
      'event: payments restarted (attempt 1): card processor glitch on 5000',
      'charge 7 → total 7 (a fresh instance, after the backoff)',
      'children of payments: payments/ledger',
    ]);
  });
});
