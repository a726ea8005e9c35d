import 'reflect-metadata';
import { testServerPerSuite, TestServer } from '../client/fixtures/test-server';
import { waitFor } from '../client/support/wait-for';
import { jsonLines, runActon, startActon } from './support/run-acton';

jest.setTimeout(60_000);

describe('acton CLI against a real server', () => {
  const suite = testServerPerSuite({ rateLimit: { enabled: false } });

  it('call prints the reply as one JSON line and exits 0', async () => {
    const result = await runActon([...suite.socketArgs, 'call', 'calculator', 'AddRequest', '{"a":5,"b":3}']);
    expect(result).toEqual({ code: 0, stdout: '{"sum":8}\n', stderr: '' });
  });

  it('call reads the payload from stdin with "-", finds the server through ACTON_IPC_SOCKET, and speaks MessagePack', async () => {
    const result = await runActon(['call', '--msgpack', 'calculator', 'AddRequest', '-'], {
      stdin: '{"a":40,"b":2}',
      env: { ACTON_IPC_SOCKET: suite.server.socketPath },
    });
    expect(result).toEqual({ code: 0, stdout: '{"sum":42}\n', stderr: '' });
  });

  it('send prints delivered, and the actor got the message', async () => {
    const sent = await runActon([...suite.socketArgs, 'send', 'notebook', 'Remember', '{"value":"from the cli"}']);
    expect(sent).toEqual({ code: 0, stdout: 'delivered\n', stderr: '' });
    const recalled = await runActon([...suite.socketArgs, 'call', 'notebook', 'Recall']);
    expect(JSON.parse(recalled.stdout)).toEqual({ values: ['from the cli'] });
  });

  it('stream prints one JSON line per item and exits 0 at the end of the stream', async () => {
    const result = await runActon([...suite.socketArgs, 'stream', 'worker', 'Count', '{"to":3,"delay_ms":0}']);
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
  });

  it('subscribe --count N prints N pushes as JSON lines, then exits 0', async () => {
    const subscriber = startActon([...suite.socketArgs, 'subscribe', 'PriceUpdate', '--count', '2']);
    await waitFor(() => subscriber.stderr().includes('subscribed to PriceUpdate'), 'the CLI to subscribe', 20_000);
    for (const price of [1, 2]) await broadcast(suite.server, price);
    const result = await subscriber.exited;
    expect(result.code).toBe(0);
    const pushes = jsonLines(result.stdout);
    expect(pushes).toHaveLength(2);
    expect(pushes[0]).toMatchObject({
      message_type: 'PriceUpdate',
      source_actor: 'announcer',
      payload: { symbol: 'ACME' },
    });
  });

  it('subscribe stops cleanly on Ctrl-C (SIGINT) with exit 0', async () => {
    const subscriber = startActon([...suite.socketArgs, 'subscribe', 'PriceUpdate']);
    await waitFor(() => subscriber.stderr().includes('subscribed to PriceUpdate'), 'the CLI to subscribe', 20_000);
    subscriber.child.kill('SIGINT');
    expect((await subscriber.exited).code).toBe(0);
  });

  it('discover prints a table of actors, message types with kind, and fields', async () => {
    const result = await runActon([...suite.socketArgs, 'discover']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.some((line) => /^ACTOR\s+MESSAGE TYPE\s+KIND\s+FIELDS$/.test(line))).toBe(true);
    expect(lines.some((line) => /^calculator\s+AddRequest\s+request\s+a: integer, b: integer$/.test(line))).toBe(true);
    expect(lines.some((line) => /^\s+Count\s+stream\s+to: integer, delay_ms: integer$/.test(line))).toBe(true);
    expect(result.stdout).toMatch(/Other registered message types/);
    expect(result.stdout).toMatch(/PriceUpdate\s+symbol: string, price: number/);
  });

  it('discover --json prints the discovery response for machines', async () => {
    const result = await runActon([...suite.socketArgs, 'discover', '--json']);
    expect(result.code).toBe(0);
    const discovery = JSON.parse(result.stdout);
    expect(discovery.success).toBe(true);
    expect(discovery.actors.map((actor: { name: string }) => actor.name)).toContain('calculator');
    expect(discovery.schemas.AddRequest.required).toEqual(['a', 'b']);
  });

  it('ping --count prints each round trip and a summary', async () => {
    const result = await runActon([...suite.socketArgs, 'ping', '--count', '3', '--interval', '10']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      new RegExp(`^heartbeat from ${escape(suite.server.socketPath)}: seq=1 time=\\d+\\.\\d{3} ms$`),
    );
    expect(lines[3]).toMatch(/^3 heartbeats, round trip min\/avg\/max = [\d.]+\/[\d.]+\/[\d.]+ ms$/);
  });
});

describe('acton CLI errors: exit codes and hints', () => {
  const suite = testServerPerSuite({ rateLimit: { enabled: false } });

  it('ACTOR_NOT_FOUND exits 1 and lists the exposed actors', async () => {
    const result = await runActon([...suite.socketArgs, 'call', 'pricing', 'AddRequest', '{"a":1,"b":2}']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: ACTOR_NOT_FOUND: Actor not found: pricing');
    expect(result.stderr).toContain('hint: exposed actors: announcer, bottleneck, calculator, notebook, worker');
  });

  it("UNKNOWN_MESSAGE_TYPE exits 1 and lists the actor's message types", async () => {
    const result = await runActon([...suite.socketArgs, 'call', 'calculator', 'Multiply', '{}']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: UNKNOWN_MESSAGE_TYPE: Unknown message type: Multiply');
    expect(result.stderr).toContain('hint: calculator handles: AddRequest (request)');
  });

  it('SERIALIZATION_ERROR exits 1 and shows the JSON Schema', async () => {
    const result = await runActon([...suite.socketArgs, 'call', 'calculator', 'AddRequest', '{"a":"five","b":3}']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: SERIALIZATION_ERROR: Serialization error: /);
    expect(result.stderr).toContain('hint: AddRequest payloads must match this JSON Schema:');
    expect(result.stderr).toMatch(/^ {8}"required": \[\n {10}"a",\n {10}"b"\n {8}\]/m);
  });

  it("a handler's own error code exits 1 with its details", async () => {
    const result = await runActon([
      ...suite.socketArgs,
      'call',
      'worker',
      'Fail',
      '{"code":"OUT_OF_STOCK","message":"Out of stock: gizmo"}',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: OUT_OF_STOCK: Out of stock: gizmo');
    expect(result.stderr).toContain('hint: details: {"name":"ActorError","data":{"hint":"from the handler"}}');
  });

  it('the no-reply IO_ERROR exits 1 and suggests acton send', async () => {
    const result = await runActon([...suite.socketArgs, 'call', 'worker', 'Ignore']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: IO_ERROR: I/O error: Response channel closed without receiving a response');
    expect(result.stderr).toContain('acton send');
  });

  it('TIMEOUT exits 4 and suggests --timeout', async () => {
    const result = await runActon([
      ...suite.socketArgs,
      '--timeout',
      '200',
      'call',
      'worker',
      'Sleep',
      '{"delay_ms":3000}',
    ]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('error: TIMEOUT: Request timed out after 200 ms waiting for response');
    expect(result.stderr).toContain('raise --timeout');
  });

  it('a stream error exits with its code too', async () => {
    const result = await runActon([...suite.socketArgs, 'stream', 'pricing', 'Count', '{"to":1,"delay_ms":0}']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: STREAM_ERROR: Actor not found: pricing');
    expect(result.stderr).toContain('hint: exposed actors:');
  });

  it('cannot connect exits 3 and names the socket path tried', async () => {
    const missing = `${suite.server.socketPath}.missing`;
    const result = await runActon(['--socket', missing, 'ping']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`Cannot connect to ${missing}`);
    expect(result.stderr).toContain(`(tried ${missing})`);
  });

  it('usage errors exit 2: no server given, invalid JSON, missing arguments', async () => {
    const noServer = await runActon(['call', 'calculator', 'AddRequest', '{}']);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('--socket');
    expect(noServer.stderr).toContain('ACTON_IPC_SOCKET');
    const badJson = await runActon([...suite.socketArgs, 'call', 'calculator', 'AddRequest', '{a:1}']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('is not valid JSON');
    const missing = await runActon([...suite.socketArgs, 'call', 'calculator']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'type'");
  });

  it('--help documents the exit codes', async () => {
    const result = await runActon(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toMatch(/3\s+cannot connect/);
    expect(result.stdout).toMatch(/4\s+timeout/);
  });
});

/** Makes the announcer broadcast one PriceUpdate through the in-process API. */
async function broadcast(server: TestServer, price: number): Promise<void> {
  const { Announce } = await import('../support/test-messages');
  await server.app.tell('announcer', Object.assign(new Announce(), { symbol: 'ACME', price }));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
