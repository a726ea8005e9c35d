import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { RawFrameClient } from '../support/raw-frame-client';
import { call, freshSocketPath, probe, ServerProcess, startServer, until } from './fixtures/server-process';

/**
 * Load and connection flood (issue 8), against a server in its own process (its file descriptors
 * are its own: 500 connections cost ~500 fds there and ~500 here).
 */
const CONNECTIONS = 500;
const LOAD_MS = 3000;
/** Requests each connection keeps in flight (pipelined). */
const WINDOW = 4;

/** Connects `count` clients, `batch` at a time (a Unix socket's listen backlog refuses rather than queues). */
async function connectMany(path: string, count: number, batch = 100): Promise<RawFrameClient[]> {
  const clients: RawFrameClient[] = [];
  for (let i = 0; i < count; i += batch) {
    clients.push(
      ...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => RawFrameClient.connect(path)))),
    );
  }
  return clients;
}

/** Pipelines WINDOW requests at a time until `endAt`; checks each answer; returns how many were answered. */
async function hammer(client: RawFrameClient, c: number, endAt: number): Promise<{ sent: number; answered: number }> {
  let sent = 0;
  let answered = 0;
  while (Date.now() < endAt) {
    const expected = new Map<string, number>();
    for (let w = 0; w < WINDOW; w++) {
      const n = c * 1_000_000 + sent++;
      const id = `L${c}-${n}`;
      expected.set(id, n);
      client.request({ correlation_id: id, target: 'echo', message_type: 'Echo', payload: { n }, expects_reply: true });
    }
    for (const frame of await client.nextFrames(WINDOW, 20_000)) {
      const n = expected.get(frame.body.correlation_id);
      if (n === undefined)
        throw new Error(`connection ${c}: unexpected or duplicate answer ${JSON.stringify(frame.body)}`);
      expected.delete(frame.body.correlation_id);
      if (frame.body.success !== true || frame.body.payload?.n !== n)
        throw new Error(`connection ${c}: wrong answer for n=${n}: ${JSON.stringify(frame.body)}`);
      answered++;
    }
  }
  return { sent, answered };
}

describe('load and connection flood', () => {
  let server: ServerProcess | undefined;
  let clients: RawFrameClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
    if (server) await server.stop('SIGKILL').catch(() => undefined);
    server = undefined;
  });

  it(`${CONNECTIONS} concurrent connections doing requests for ${LOAD_MS / 1000} s: every request answered exactly once with its payload`, async () => {
    const socketPath = freshSocketPath();
    server = await startServer({ socket: { path: socketPath } });
    clients = await connectMany(socketPath, CONNECTIONS);
    const endAt = Date.now() + LOAD_MS;
    const midway = (async () => {
      await new Promise((r) => setTimeout(r, LOAD_MS / 2));
      return (await probe(socketPath)).stats.activeConnections;
    })();
    const results = await Promise.all(clients.map((client, c) => hammer(client, c, endAt)));
    const held = await midway;
    // Nothing more arrives: no duplicate, no stray answer.
    const quiet = await Promise.all(clients.map((client) => client.quietFor(300)));
    const sent = results.reduce((sum, r) => sum + r.sent, 0);
    const answered = results.reduce((sum, r) => sum + r.answered, 0);
    const stats = (await probe(socketPath)).stats;
    process.stdout.write(
      `load: ${held} connections held (probe included), ${sent} requests sent, ${answered} answered, server errors ${stats.errors}\n`,
    );
    expect(held).toBe(CONNECTIONS + 1);
    expect(answered).toBe(sent);
    expect(sent).toBeGreaterThanOrEqual(CONNECTIONS * WINDOW);
    expect(quiet.every(Boolean)).toBe(true);
    expect(stats.errors).toBe(0);
    expect(stats.inFlightRequests).toBe(1); // the probe itself
  }, 60_000);

  it('connection-limit flood: limit + 200 connect at once; the extras get the typed refusal, the admitted are served', async () => {
    const LIMIT = 100;
    const socketPath = freshSocketPath();
    server = await startServer({ socket: { path: socketPath }, limits: { maxConnections: LIMIT } });
    clients = await Promise.all(Array.from({ length: LIMIT + 200 }, () => RawFrameClient.connect(socketPath)));
    await until(
      () => clients.filter((c) => c.eof || c.closed).length >= 200,
      '200 refused connections to be closed',
      10_000,
    );
    await new Promise((r) => setTimeout(r, 300)); // and no more than 200
    const refused = clients.filter((c) => c.eof || c.closed);
    const admitted = clients.filter((c) => !c.eof && !c.closed);
    expect({ refused: refused.length, admitted: admitted.length }).toEqual({ refused: 200, admitted: LIMIT });
    for (const client of refused) {
      expect(client.buffered).toHaveLength(1);
      expect(client.buffered[0].type).toBe(MessageType.ERROR);
      expect(client.buffered[0].body).toEqual({
        correlation_id: '__acton_connection_rejected__',
        success: false,
        error: `Server refused the connection: connection limit reached (${LIMIT} concurrent connections)`,
        error_code: 'CONNECTION_LIMIT_REACHED',
        payload: { limit: LIMIT },
      });
    }
    for (const client of admitted) expect(client.buffered).toHaveLength(0);
    const answers = await Promise.all(admitted.map((client, i) => call(client, 'echo', 'Echo', { n: i })));
    answers.forEach((frame, i) => expect(frame.body).toMatchObject({ success: true, payload: { n: i } }));

    // A freed slot admits the next connection (once the server has seen the close: retry until then).
    await admitted[0].close();
    let stats: Awaited<ReturnType<typeof probe>>['stats'] | undefined;
    await until(
      async () =>
        (stats = await probe(socketPath).then(
          (p) => p.stats,
          () => undefined,
        )) !== undefined,
      'the freed slot to admit a probe',
      5_000,
    );
    const refusedWhileFreeing = stats!.errors - 200; // probes that raced the close were refused too
    expect(stats).toMatchObject({ connectionsAccepted: LIMIT + 1, activeConnections: LIMIT });
    expect(refusedWhileFreeing).toBeGreaterThanOrEqual(0);
  }, 60_000);
});
