import 'reflect-metadata';
import { firstValueFrom, toArray } from 'rxjs';
import { ActonClient, IpcRequestError } from 'acton-ts/client';
import { serverAndClientPerSuite, startTestServer } from './fixtures/test-server';
import { rejectionOf, waitFor } from './support/wait-for';

/** Asserts an `IpcRequestError` with `code` and returns it. */
function expectCode(error: unknown, code: string): IpcRequestError {
  expect(error).toBeInstanceOf(IpcRequestError);
  expect((error as IpcRequestError).code).toBe(code);
  return error as IpcRequestError;
}

describe('every error code surfaces as IpcRequestError with its code', () => {
  const suite = serverAndClientPerSuite({ rateLimit: { enabled: false } });

  it('ACTOR_NOT_FOUND names the target and keeps the call id', async () => {
    const error = expectCode(
      await rejectionOf(suite.client.request('pricing', 'AddRequest', { a: 1, b: 2 })),
      'ACTOR_NOT_FOUND',
    );
    expect(error.message).toBe('Actor not found: pricing');
    expect(error.correlationId).toMatch(/^req_[0-9a-z]{26}$/);
  });

  it('UNKNOWN_MESSAGE_TYPE names the type', async () => {
    const error = expectCode(
      await rejectionOf(suite.client.request('calculator', 'Multiply', {})),
      'UNKNOWN_MESSAGE_TYPE',
    );
    expect(error.message).toBe('Unknown message type: Multiply');
  });

  it('SERIALIZATION_ERROR names the failing field', async () => {
    const error = expectCode(
      await rejectionOf(suite.client.request('calculator', 'AddRequest', { a: 'five', b: 3 })),
      'SERIALIZATION_ERROR',
    );
    expect(error.message).toMatch(/^Serialization error: .*\ba\b/);
  });

  it('SERIALIZATION_ERROR locally when the payload cannot be encoded', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const error = expectCode(
      await rejectionOf(suite.client.request('calculator', 'AddRequest', circular)),
      'SERIALIZATION_ERROR',
    );
    expect(error.message).toMatch(/Cannot encode the message/);
    await expect(suite.client.request('calculator', 'AddRequest', { a: 1, b: 1 })).resolves.toEqual({ sum: 2 }); // connection unharmed
  });

  it('TARGET_BUSY when the actor mailbox is full', async () => {
    const calls = Array.from({ length: 4 }, () =>
      suite.client.request('bottleneck', 'Sleep', { delay_ms: 300 }).then(
        () => 'ok',
        (error: unknown) => error,
      ),
    );
    const outcomes = await Promise.all(calls);
    const busy = outcomes.filter((outcome) => outcome instanceof IpcRequestError);
    expect(busy.length).toBeGreaterThan(0);
    for (const error of busy) {
      expectCode(error, 'TARGET_BUSY');
      expect((error as IpcRequestError).message).toBe('Target actor inbox is full');
    }
    expect(outcomes).toContain('ok');
  });

  it('TIMEOUT when the deadline passes before the reply', async () => {
    const error = expectCode(
      await rejectionOf(suite.client.request('worker', 'Sleep', { delay_ms: 2_000 }, { timeoutMs: 200 })),
      'TIMEOUT',
    );
    expect(error.message).toBe('Request timed out after 200 ms waiting for response');
  });

  it('TIMEOUT of a whole stream', async () => {
    const error = await rejectionOf(
      firstValueFrom(
        suite.client.stream('worker', 'Count', { to: 10, delay_ms: 1_000 }, { timeoutMs: 300 }).pipe(toArray()),
      ),
    );
    expect(expectCode(error, 'TIMEOUT').message).toBe('Stream timed out after 300 ms');
  });

  it('IO_ERROR for a handler that never replied: isNoReply, not a connection failure', async () => {
    const error = expectCode(await rejectionOf(suite.client.request('worker', 'Ignore', {})), 'IO_ERROR');
    expect(error.message).toBe('I/O error: Response channel closed without receiving a response');
    expect(error.isNoReply).toBe(true);
    expect(error.isConnectionFailure).toBe(false);
  });

  it('HANDLER_ERROR with the thrown message and error_details.name', async () => {
    const error = expectCode(
      await rejectionOf(suite.client.request('worker', 'Fail', { message: 'disk on fire' })),
      'HANDLER_ERROR',
    );
    expect(error.message).toBe('disk on fire');
    expect(error.details).toEqual({ name: 'Error' });
    expect(error.isNoReply).toBe(false);
  });

  it("an application's own code with the ActorError's data", async () => {
    const error = expectCode(
      await rejectionOf(
        suite.client.request('worker', 'Fail', { code: 'OUT_OF_STOCK', message: 'Out of stock: gizmo' }),
      ),
      'OUT_OF_STOCK',
    );
    expect(error.message).toBe('Out of stock: gizmo');
    expect(error.details).toEqual({ name: 'ActorError', data: { hint: 'from the handler' } });
  });

  it('stream errors: STREAM_ERROR for an unknown actor, SERIALIZATION_ERROR for an unknown type', async () => {
    const missing = await rejectionOf(firstValueFrom(suite.client.stream('pricing', 'Count', { to: 1, delay_ms: 0 })));
    expect(expectCode(missing, 'STREAM_ERROR').message).toBe('Actor not found: pricing');
    const unknown = await rejectionOf(firstValueFrom(suite.client.stream('worker', 'Nope', {})));
    expect(expectCode(unknown, 'SERIALIZATION_ERROR').message).toBe('Unknown message type: Nope');
  });
});

describe('errors that need their own server configuration', () => {
  it('RATE_LIMITED with retryAfterMs; the connection stays usable', async () => {
    const server = await startTestServer({ rateLimit: { enabled: true, requestsPerSecond: 1, burstSize: 2 } });
    const client = await ActonClient.connect({ socketPath: server.socketPath });
    try {
      const outcomes = await Promise.all(
        [1, 2, 3].map((n) =>
          client.request('calculator', 'AddRequest', { a: n, b: 0 }).catch((error: unknown) => error),
        ),
      );
      expect(outcomes.slice(0, 2)).toEqual([{ sum: 1 }, { sum: 2 }]);
      const error = expectCode(outcomes[2], 'RATE_LIMITED');
      expect(error.message).toMatch(/^Rate limit exceeded, retry after \d+ms$/);
      expect(typeof error.retryAfterMs).toBe('number');
      expect(error.retryAfterMs).toBeLessThanOrEqual(1000);
      expect(await client.heartbeat()).toBeGreaterThanOrEqual(0); // heartbeats are never limited
      // Buckets are per connection (§5.1) and a stream has a connection of its own.
      await expect(firstValueFrom(client.stream('worker', 'Count', { to: 1, delay_ms: 0 }))).resolves.toEqual({
        value: 1,
      });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('SHUTTING_DOWN for requests and streams sent while the server drains', async () => {
    const server = await startTestServer({ shutdown: { drainTimeoutMs: 5_000 } });
    const client = await ActonClient.connect({ socketPath: server.socketPath });
    try {
      const inFlight = client.request('worker', 'Sleep', { delay_ms: 500 });
      await waitFor(() => server.app.listener!.stats().inFlightRequests === 1, 'the slow request to reach the actor');
      const drained = server.app.listener!.shutdownGracefully();
      const error = expectCode(
        await rejectionOf(client.request('calculator', 'AddRequest', { a: 1, b: 1 })),
        'SHUTTING_DOWN',
      );
      expect(error.message).toBe('Server is shutting down');
      // The stream runs on its own connection: still admitted during the drain, then refused.
      const streamError = await rejectionOf(firstValueFrom(client.stream('worker', 'Count', { to: 1, delay_ms: 0 })));
      expectCode(streamError, 'SHUTTING_DOWN');
      await expect(inFlight).resolves.toEqual({ slept: 500 }); // requests in flight still get their answer
      await drained;
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("PROTOCOL_ERROR with the server's reason when a frame exceeds its max_message_size; the client reconnects", async () => {
    const server = await startTestServer({ limits: { maxMessageSize: 1_024 } });
    const client = await ActonClient.connect(
      { socketPath: server.socketPath },
      { reconnect: { initialDelayMs: 10, maxDelayMs: 50 } },
    );
    try {
      const error = expectCode(
        await rejectionOf(client.request('notebook', 'Remember', { value: 'x'.repeat(2_000) })),
        'PROTOCOL_ERROR',
      );
      expect(error.message).toMatch(/Frame too large: \d+ > 1024 bytes/);
      await expect(client.request('calculator', 'AddRequest', { a: 1, b: 2 })).resolves.toEqual({ sum: 3 });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('CONNECTION_LIMIT_REACHED with details.limit when the server refuses the connection', async () => {
    const server = await startTestServer({ limits: { maxConnections: 1 } });
    const first = await ActonClient.connect({ socketPath: server.socketPath });
    try {
      const error = expectCode(
        await rejectionOf(ActonClient.connect({ socketPath: server.socketPath })),
        'CONNECTION_LIMIT_REACHED',
      );
      expect(error.details).toEqual({ limit: 1 });
      expect(error.message).toMatch(/connection limit reached \(1 concurrent connections\)/);
      // A stream needs a connection of its own: refused the same way.
      const streamError = await rejectionOf(firstValueFrom(first.stream('worker', 'Count', { to: 1, delay_ms: 0 })));
      expect(expectCode(streamError, 'CONNECTION_LIMIT_REACHED').details).toEqual({ limit: 1 });
    } finally {
      await first.close();
    }
    try {
      // Once the first connection is gone, a new one is admitted.
      let admitted: ActonClient | undefined;
      for (let attempt = 0; attempt < 50 && !admitted; attempt++) {
        admitted = await ActonClient.connect({ socketPath: server.socketPath }).catch(async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return undefined;
        });
      }
      expect(admitted).toBeDefined();
      await admitted!.close();
    } finally {
      await server.close();
    }
  });
});
