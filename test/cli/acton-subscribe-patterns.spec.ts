import 'reflect-metadata';
import { ActorError } from 'acton-ts';
import { PriceUpdate, TradeExecuted } from '../support/test-messages';
import { testServerPerSuite } from '../client/fixtures/test-server';
import { waitFor } from '../client/support/wait-for';
import { jsonLines, runActon, startActon } from './support/run-acton';

jest.setTimeout(60_000);

describe("acton subscribe 'Price*' (docs/protocol.md §11.1, §11.2)", () => {
  const suite = testServerPerSuite({
    rateLimit: { enabled: false },
    security: {
      admit: () => 'cli',
      authorize: (_context, operation) =>
        operation.kind === 'subscribe-patterns' && operation.patterns.includes('Secret*')
          ? new ActorError('ACCESS_DENIED', 'no secrets')
          : true,
    },
  });

  it('prints every push whose type matches the pattern, once each', async () => {
    const subscriber = startActon([
      '--socket',
      suite.server.socketPath,
      'subscribe',
      'Price*',
      'PriceUpdate',
      '--count',
      '2',
    ]);
    await waitFor(
      () => subscriber.stderr().includes('subscribed to Price*, PriceUpdate'),
      'the CLI to subscribe',
      20_000,
    );
    suite.server.app.broker.broadcast(Object.assign(new TradeExecuted(), { symbol: 'NOPE', price: 0 }));
    for (const price of [1, 2])
      suite.server.app.broker.broadcast(Object.assign(new PriceUpdate(), { symbol: 'ACME', price }));
    const result = await subscriber.exited;
    expect(result.code).toBe(0);
    const pushes = jsonLines<{ message_type: string; payload: { price: number } }>(result.stdout);
    expect(pushes.map((push) => [push.message_type, push.payload.price])).toEqual([
      ['PriceUpdate', 1],
      ['PriceUpdate', 2],
    ]);
  });

  it('reports a refused subscription as ACCESS_DENIED with exit code 1', async () => {
    const result = await runActon(['--socket', suite.server.socketPath, 'subscribe', 'Secret*']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ACCESS_DENIED: no secrets');
    expect(result.stderr).not.toContain('subscribed to');
  });
});
