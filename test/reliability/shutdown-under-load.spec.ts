import { existsSync, lstatSync } from 'node:fs';
import { RawFrameClient, ReceivedFrame } from '../support/raw-frame-client';
import { ask, call, freshSocketPath, probe, ServerProcess, startServer, until } from './fixtures/server-process';

/**
 * Shutdown under load (issue 8): a server process receives SIGTERM while 1,000 requests are in
 * flight. Guarantee: every request gets its answer or SHUTTING_DOWN — never silence — the socket
 * file is removed, and a new server binds the same path at once. A SIGKILLed server leaves a
 * stale socket file that the next start replaces.
 */
const CONNECTIONS = 10;
const IN_FLIGHT_PER_CONNECTION = 100;
const IN_FLIGHT = CONNECTIONS * IN_FLIGHT_PER_CONNECTION; // 1,000
const LATE_PER_CONNECTION = 20;
/** Long enough that all 1,000 are still running when SIGTERM lands; well under drain_timeout_ms. */
const HANDLER_DELAY_MS = 1500;

/** True once the server answers a new request with SHUTTING_DOWN. */
async function drainStarted(socketPath: string): Promise<boolean> {
  const client = await RawFrameClient.connect(socketPath);
  try {
    return (await call(client, 'echo', 'Echo', { n: 0 })).body.error_code === 'SHUTTING_DOWN';
  } finally {
    await client.close();
  }
}

describe('shutdown under load', () => {
  let server: ServerProcess | undefined;
  const clients: RawFrameClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    if (server) await server.stop('SIGKILL').catch(() => undefined);
    server = undefined;
  });

  it('SIGTERM during 1,000 in-flight requests: each gets its answer or SHUTTING_DOWN; socket removed; restart at once', async () => {
    const socketPath = freshSocketPath();
    server = await startServer({ socket: { path: socketPath }, shutdown: { drainTimeoutMs: 20_000 } });
    for (let c = 0; c < CONNECTIONS; c++) clients.push(await RawFrameClient.connect(socketPath));
    const sent = new Map<string, { client: RawFrameClient; n: number; late: boolean }>();
    const send = (client: RawFrameClient, id: string, n: number, late: boolean): void => {
      sent.set(id, { client, n, late });
      client.request(ask(id, 'echo', 'Echo', { n, delayMs: HANDLER_DELAY_MS }));
    };
    clients.forEach((client, c) => {
      for (let i = 0; i < IN_FLIGHT_PER_CONNECTION; i++) send(client, `r-${c}-${i}`, c * 1000 + i, false);
    });
    // All 1,000 accepted and running (the probe itself is one more in flight).
    await until(
      async () => (await probe(socketPath)).stats.inFlightRequests >= IN_FLIGHT,
      '1,000 requests in flight',
      10_000,
    );

    server.child.kill('SIGTERM');
    await until(() => drainStarted(socketPath), 'the drain to start (a new request answered SHUTTING_DOWN)', 5_000);
    // Requests written after the drain started: they must be refused, not dropped.
    clients.forEach((client, c) => {
      for (let i = 0; i < LATE_PER_CONNECTION; i++) send(client, `late-${c}-${i}`, -1, true);
    });

    const exitCode = await server.exited;
    await Promise.all(clients.map((client) => client.waitForEof(10_000)));
    const answers = new Map<string, ReceivedFrame>();
    for (const client of clients) {
      for (const frame of client.buffered) {
        const id = frame.body.correlation_id as string;
        expect(answers.has(id)).toBe(false); // exactly once
        answers.set(id, frame);
      }
    }
    let answered = 0;
    let refused = 0;
    for (const [id, { n, late }] of sent) {
      const body = answers.get(id)?.body;
      if (!body) throw new Error(`request ${id} got no answer before the connection closed (silence)`);
      if (body.success) {
        expect(body.payload).toEqual({ n });
        answered++;
      } else {
        expect(body).toMatchObject({ error_code: 'SHUTTING_DOWN', error: 'Server is shutting down' });
        refused++;
      }
      if (!late) expect(body.success).toBe(true); // in flight when the drain began: answered
    }
    expect({ answered, refused, total: answers.size }).toEqual({
      answered: IN_FLIGHT,
      refused: CONNECTIONS * LATE_PER_CONNECTION,
      total: sent.size,
    });
    expect(exitCode).toBe(0);
    expect(existsSync(socketPath)).toBe(false);

    server = await startServer({ socket: { path: socketPath } });
    const client = await RawFrameClient.connect(socketPath);
    clients.push(client);
    expect((await call(client, 'echo', 'Echo', { n: 7 })).body).toMatchObject({ success: true, payload: { n: 7 } });
  }, 60_000);

  it('SIGKILL leaves a stale socket file; the next start on that path replaces it and serves', async () => {
    const socketPath = freshSocketPath();
    server = await startServer({ socket: { path: socketPath } });
    expect(await server.stop('SIGKILL')).toBe('SIGKILL');
    expect(lstatSync(socketPath).isSocket()).toBe(true); // left behind: nobody removed it

    server = await startServer({ socket: { path: socketPath } });
    const client = await RawFrameClient.connect(socketPath);
    clients.push(client);
    expect((await call(client, 'echo', 'Echo', { n: 1 })).body).toMatchObject({ success: true, payload: { n: 1 } });
  }, 60_000);
});
