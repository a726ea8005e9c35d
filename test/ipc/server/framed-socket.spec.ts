import { mkdtempSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FramingError } from '../../../lib/ipc/protocol/framing-error';
import { encodeFrame, HEARTBEAT_FRAME } from '../../../lib/ipc/protocol/frame-encoder';
import { Format, Frame, MessageType } from '../../../lib/ipc/protocol/wire-types';
import { FramedSocket, FrameReceiver } from '../../../lib/ipc/server/framed-socket';
import { recordingLogger } from '../../support/ipc-test-app';
import { RawFrameClient } from '../../support/raw-frame-client';

/** Records what the transport delivers, in order. */
class RecordingReceiver implements FrameReceiver {
  readonly events: string[] = [];
  readonly frames: Frame[] = [];
  onTimeout?: () => void;

  frame(frame: Frame): void {
    this.frames.push({ ...frame, payload: Buffer.from(frame.payload) });
    this.events.push(`frame 0x0${frame.type}`);
  }
  framingError(error: FramingError): void {
    this.events.push(`framing-error ${error.code}`);
  }
  peerEnded(): void {
    this.events.push('peer-ended');
  }
  readTimedOut(timeoutMs: number): void {
    this.events.push(`read-timeout ${timeoutMs}`);
    this.onTimeout?.();
  }
  writeStalled(): void {
    this.events.push('write-stalled');
  }
  connectionClosed(): void {
    this.events.push('closed');
  }
}

/** One real Unix socket pair: the server side wrapped in a FramedSocket, the client side raw. */
async function connectedPair(options: Partial<ConstructorParameters<typeof FramedSocket>[2]> = {}) {
  const path = join(mkdtempSync(join(tmpdir(), 'acton-framed-')), 's.sock');
  let accept!: (socket: Socket) => void;
  const accepted = new Promise<Socket>((resolve) => (accept = resolve));
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => accept(socket));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const client = await RawFrameClient.connect(path);
  const socket = await accepted;
  server.close();
  const receiver = new RecordingReceiver();
  const transport = new FramedSocket(
    socket,
    { connectionId: 'ipc-test' },
    { maxMessageSize: 1024, writeTimeoutMs: 0, pushBufferSize: 2, ...options },
    recordingLogger([]),
  );
  transport.start(receiver);
  return { transport, receiver, client };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('FramedSocket: the connection as a frame transport (docs/protocol.md §1, §5.3, §5.4)', () => {
  it('delivers whole frames in wire order, however the bytes are split', async () => {
    const { transport, receiver, client } = await connectedPair();
    const bytes = Buffer.concat([
      HEARTBEAT_FRAME,
      encodeFrame(MessageType.REQUEST, Format.JSON, Buffer.from('{"a":1}')),
    ]);
    for (const byte of bytes) client.socket.write(Buffer.of(byte));
    await until(() => receiver.frames.length === 2, 'two frames');
    expect(receiver.events).toEqual(['frame 0x04', 'frame 0x01']);
    expect(receiver.frames[1].payload.toString()).toBe('{"a":1}');
    transport.close(false);
    await transport.closed;
    await client.close();
  });

  it('reports a framing error once and reads nothing after it (§1.6)', async () => {
    const { transport, receiver, client } = await connectedPair();
    client.socket.write(Buffer.concat([HEARTBEAT_FRAME, Buffer.from([0x00, 0x00, 0x00, 0x00, 0x07, 0x04, 0x01])]));
    await until(() => receiver.events.length === 2, 'the framing error');
    client.socket.write(HEARTBEAT_FRAME);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(receiver.events).toEqual(['frame 0x04', 'framing-error UNSUPPORTED_PROTOCOL_VERSION']);
    transport.close(false);
    await transport.closed;
    await client.close();
  });

  it('sends queued frames in order, then FIN on a graceful close; the receiver hears the close', async () => {
    const { transport, receiver, client } = await connectedPair();
    transport.send(HEARTBEAT_FRAME);
    transport.send(encodeFrame(MessageType.RESPONSE, Format.JSON, Buffer.from('{"correlation_id":"x"}')));
    transport.close();
    transport.send(HEARTBEAT_FRAME); // after close: dropped
    await transport.closed;
    const types = (await client.nextFrames(2)).map((frame) => frame.type);
    expect(types).toEqual([MessageType.HEARTBEAT, MessageType.RESPONSE]);
    await client.waitForEof();
    expect(await client.quietFor(30)).toBe(true);
    expect(receiver.events).toContain('closed');
    await client.close();
  });

  it('tells the receiver about EOF without closing by itself (answers may still be owed, §9)', async () => {
    const { transport, receiver, client } = await connectedPair();
    client.socket.end();
    await until(() => receiver.events.includes('peer-ended'), 'EOF');
    transport.send(HEARTBEAT_FRAME); // the half-closed peer still reads
    expect((await client.nextFrames(1))[0].type).toBe(MessageType.HEARTBEAT);
    expect(receiver.events).not.toContain('closed');
    transport.close();
    await transport.closed;
    await client.close();
  });

  it('fires the idle read timeout, re-armed by each complete frame; the receiver decides to close', async () => {
    const { transport, receiver, client } = await connectedPair();
    receiver.onTimeout = () => transport.close();
    transport.setReadTimeout(500);
    for (let i = 0; i < 8; i++) {
      // 800 ms in all, longer than the timeout: only the re-arming keeps the connection
      await new Promise((resolve) => setTimeout(resolve, 100));
      client.socket.write(HEARTBEAT_FRAME);
    }
    expect(receiver.events.filter((event) => event.startsWith('read-timeout'))).toEqual([]);
    await transport.closed;
    expect(receiver.events.slice(-2)).toEqual(['read-timeout 500', 'closed']);
    await client.close();
  });

  it('drops pushes beyond the push buffer instead of waiting (§5.4)', async () => {
    const { transport, client } = await connectedPair({ pushBufferSize: 2 });
    const offered = [1, 2, 3].map(() =>
      transport.offerPush(encodeFrame(MessageType.PUSH, Format.JSON, Buffer.from('{}'))),
    );
    expect(offered).toEqual([true, true, false]);
    transport.close();
    await transport.closed;
    expect(transport.offerPush(HEARTBEAT_FRAME)).toBe(false);
    await client.close();
  });
});
