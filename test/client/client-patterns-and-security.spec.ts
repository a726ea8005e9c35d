import 'reflect-metadata';
import { firstValueFrom, take, toArray } from 'rxjs';
import { ActorError, SecurityPolicy } from 'acton-ts';
import { ActonClient, IpcRequestError, Push } from 'acton-ts/client';
import { serverAndClientPerSuite, startTestServer, TestServer } from './fixtures/test-server';
import { waitFor } from './support/wait-for';

describe('ActonClient: pattern subscriptions (docs/protocol.md §11.1)', () => {
  const suite = serverAndClientPerSuite();

  it("subscribe(['Price*']) receives every matching type once, even with an exact subscription on the same connection", async () => {
    const byPattern = firstValueFrom(suite.client.subscribe(['Price*', '*']).pipe(take(2), toArray()));
    const exact = suite.client.subscribe('PriceUpdate').subscribe();
    await suite.client.flush();
    expect(suite.server.app.listener!.stats()).toMatchObject({ activePatternSubscriptions: 2, activeSubscriptions: 1 });
    await suite.client.send('announcer', 'Announce', { symbol: 'ACME', price: 1 });
    await suite.client.send('announcer', 'Announce', { symbol: 'ACME', price: 2, trade: true });
    const pushes: Push[] = await byPattern;
    expect(pushes.map((push) => [push.message_type, push.payload])).toEqual([
      ['PriceUpdate', { symbol: 'ACME', price: 1 }],
      ['TradeExecuted', { symbol: 'ACME', price: 2 }],
    ]);
    exact.unsubscribe();
    await suite.client.flush();
    expect(suite.server.app.listener!.stats()).toMatchObject({ activePatternSubscriptions: 0, activeSubscriptions: 0 });
  });

  it('refuses an invalid pattern at once with the reference text', () => {
    expect(() => suite.client.subscribe(['Pri*ce'])).toThrow(
      'subscribe() got an invalid pattern in ["Pri*ce"]: pattern must contain exactly one terminal \'*\'',
    );
  });
});

describe('ActonClient: ACCESS_DENIED (docs/protocol.md §11.2)', () => {
  const denyPatterns: SecurityPolicy = {
    admit: () => 'me',
    authorize: (_context, operation) => {
      if (operation.kind === 'subscribe-patterns' || operation.kind === 'subscribe')
        throw new ActorError('ACCESS_DENIED', 'subscriptions are not for you');
      if (operation.kind === 'request' && operation.envelope.target === 'notebook') return false;
      return true;
    },
  };

  it('a refused subscription errors its Observable with code ACCESS_DENIED and the reason; requests reject the same way', async () => {
    const server = await startTestServer({ security: denyPatterns });
    const client = await ActonClient.connect({ socketPath: server.socketPath });
    try {
      for (const names of [['Price*'], ['PriceUpdate']]) {
        const error = await firstValueFrom(client.subscribe(names)).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(error).toBeInstanceOf(IpcRequestError);
        expect(error).toMatchObject({ code: 'ACCESS_DENIED', message: 'subscriptions are not for you' });
      }
      await expect(client.request('notebook', 'Recall', {})).rejects.toMatchObject({
        code: 'ACCESS_DENIED',
        message: 'Operation not permitted by the security policy',
      });
      await expect(client.request('calculator', 'AddRequest', { a: 1, b: 2 })).resolves.toEqual({ sum: 3 });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a connection refused at admission rejects connect() with ACCESS_DENIED', async () => {
    const server = await startTestServer({ security: { admit: () => new ActorError('ACCESS_DENIED', 'not today') } });
    try {
      await expect(ActonClient.connect({ socketPath: server.socketPath }, { reconnect: false })).rejects.toMatchObject({
        code: 'ACCESS_DENIED',
        message: 'not today',
      });
    } finally {
      await server.close();
    }
  });
});

describe('ActonClient: a refusal at admission is final (docs/protocol.md §11.2)', () => {
  it('stops reconnecting and reports ACCESS_DENIED once, to calls and subscriptions', async () => {
    const first = await startTestServer();
    const client = await ActonClient.connect(
      { socketPath: first.socketPath },
      { reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 1000 } },
    );
    const pushErrors: unknown[] = [];
    client.subscribe('PriceUpdate').subscribe({ error: (error) => pushErrors.push(error) });
    let refusing: TestServer | undefined;
    try {
      await client.flush();
      await first.close();
      refusing = await startTestServer(
        { security: { admit: () => new ActorError('ACCESS_DENIED', 'not after the restart') } },
        first.socketPath,
      );
      await waitFor(() => client.status === 'closed', 'the client to give up at the refusal');
      const refused = { code: 'ACCESS_DENIED', message: 'not after the restart' };
      await expect(client.request('calculator', 'AddRequest', { a: 1, b: 1 })).rejects.toMatchObject(refused);
      expect(pushErrors).toEqual([expect.objectContaining(refused)]);
      // Given time for dozens more attempts at this backoff, none is made.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(refusing.app.listener!.stats().accessDenied).toBe(1);
    } finally {
      await client.close();
      await refusing?.close();
      await first.close();
    }
  });
});

describe('ActonClient: pattern subscriptions survive a reconnect (docs/protocol.md §6, §11.1)', () => {
  it('subscribes the patterns again on the new connection', async () => {
    const first = await startTestServer();
    const client = await ActonClient.connect(
      { socketPath: first.socketPath },
      { reconnect: { initialDelayMs: 20, maxDelayMs: 100 } },
    );
    const pushes: Push[] = [];
    const subscription = client.subscribe(['Trade*']).subscribe((push) => pushes.push(push));
    let second: TestServer | undefined;
    try {
      await client.flush();
      await first.close();
      await waitFor(() => client.status === 'reconnecting', 'the client to notice the restart');
      second = await startTestServer({}, first.socketPath);
      await expect(client.request('calculator', 'AddRequest', { a: 1, b: 1 }, { timeoutMs: 10_000 })).resolves.toEqual({
        sum: 2,
      });
      await client.flush();
      expect(second.app.listener!.stats().activePatternSubscriptions).toBe(1);
      await client.send('announcer', 'Announce', { symbol: 'AFTER', price: 3, trade: true });
      await waitFor(() => pushes.length > 0, 'the push after the reconnect');
      expect(pushes.map((push) => [push.message_type, (push.payload as { symbol: string }).symbol])).toEqual([
        ['TradeExecuted', 'AFTER'],
      ]);
    } finally {
      subscription.unsubscribe();
      await client.close();
      await second?.close();
      await first.close();
    }
  });
});
