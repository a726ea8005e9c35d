/**
 * The bench's baseline: a minimal Node server over a Unix socket speaking the same framing
 * and JSON shapes as acton-ts (docs/protocol.md §1–§2) with no framework at all — parse the frame,
 * `JSON.parse`, compute, `JSON.stringify`, write. It serves exactly what the load client asks
 * for: `AddRequest` (request-response), `ListRequest` (request-stream), subscribe and
 * `BroadcastPrices` (push fan-out), heartbeats. Socket path: `BENCH_SOCKET`; list size:
 * `LIST_ITEM_COUNT`. Started by `bench/run.ts` (it needs the fork IPC channel).
 */
import { once } from 'node:events';
import { createServer, Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { newCorrelationId } from '../lib/ipc/protocol';
import { BENCH_SYMBOL, BenchWire } from './bench-wire';
import { serveParent, tellParent } from './child/child-messages';

const SOCKET_PATH = requiredEnv('BENCH_SOCKET');
const ITEMS = Array.from({ length: Number(process.env.LIST_ITEM_COUNT ?? 25) }, (_, i) => ({
  id: i + 1,
  name: `Item ${i + 1}`,
}));
const subscribers = new Set<Socket>();

const TYPE = {
  REQUEST: 1,
  RESPONSE: 2,
  ERROR: 3,
  HEARTBEAT: 4,
  PUSH: 5,
  SUBSCRIBE: 6,
  UNSUBSCRIBE: 7,
  STREAM: 9,
} as const;

/** One frame with a v2 header (§1.2) around `json`. */
function frame(type: number, json: string): Buffer {
  const length = Buffer.byteLength(json);
  const out = Buffer.allocUnsafe(7 + length);
  out.writeUInt32BE(length, 0);
  out[4] = 2;
  out[5] = type;
  out[6] = 1;
  out.write(json, 7, length, 'utf8');
  return out;
}

function respond(socket: Socket, body: { correlation_id: string; success: boolean; [key: string]: unknown }): void {
  socket.write(frame(body.success ? TYPE.RESPONSE : TYPE.ERROR, JSON.stringify(body)));
}

function onRequest(socket: Socket, payload: Buffer): void {
  const envelope = JSON.parse(payload.toString('utf8'));
  const id: string = envelope.correlation_id;
  const key = `${envelope.target}/${envelope.message_type}`;
  if (key === `${BenchWire.CALCULATOR}/${BenchWire.ADD_REQUEST}`) {
    const { a, b } = envelope.payload;
    if (!Number.isInteger(a) || !Number.isInteger(b))
      return respond(socket, {
        correlation_id: id,
        success: false,
        error: 'Serialization error: a and b must be integers',
        error_code: 'SERIALIZATION_ERROR',
      });
    return respond(socket, { correlation_id: id, success: true, payload: { sum: a + b } });
  }
  if (key === `${BenchWire.LIST_SERVICE}/${BenchWire.LIST_REQUEST}`) return void streamItems(socket, id);
  if (key === `${BenchWire.BROADCASTER}/${BenchWire.BROADCAST_PRICES}`)
    return void broadcastPrices(socket, id, envelope.payload.count, envelope.payload.batch);
  respond(socket, {
    correlation_id: id,
    success: false,
    error: `Actor not found: ${envelope.target}`,
    error_code: 'ACTOR_NOT_FOUND',
  });
}

/**
 * Request-stream (§3.4): one data frame per item, waiting for `drain` when the socket is full,
 * then the final frame.
 */
async function streamItems(socket: Socket, id: string): Promise<void> {
  for (let sequence = 0; sequence < ITEMS.length; sequence++) {
    const ok = socket.write(
      frame(TYPE.STREAM, JSON.stringify({ correlation_id: id, sequence, is_final: false, payload: ITEMS[sequence] })),
    );
    if (!ok) await once(socket, 'drain');
    if (socket.destroyed) return;
  }
  socket.write(frame(TYPE.STREAM, JSON.stringify({ correlation_id: id, sequence: ITEMS.length, is_final: true })));
}

/** Push fan-out (§2.6): one notification per broadcast, the same bytes written to every subscriber. */
async function broadcastPrices(socket: Socket, id: string, count: number, batch: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % batch === 0) await nextTurn();
    const push = frame(
      TYPE.PUSH,
      JSON.stringify({
        notification_id: newCorrelationId('push'),
        message_type: BenchWire.PRICE_UPDATE,
        source_actor: BenchWire.BROADCASTER,
        payload: { symbol: BENCH_SYMBOL, price: 100 + (i % 100) / 100 },
        timestamp_ms: Date.now(),
      }),
    );
    for (const subscriber of subscribers) subscriber.write(push);
  }
  respond(socket, { correlation_id: id, success: true, payload: { sent: count } });
}

function onSubscription(socket: Socket, type: number, payload: Buffer): void {
  const request = JSON.parse(payload.toString('utf8'));
  const types: string[] = request.message_types;
  const subscribe = type === TYPE.SUBSCRIBE;
  if (types.includes(BenchWire.PRICE_UPDATE) || (!subscribe && types.length === 0)) {
    if (subscribe) subscribers.add(socket);
    else subscribers.delete(socket);
  }
  const subscribed = subscribers.has(socket) ? [BenchWire.PRICE_UPDATE] : [];
  respond(socket, { correlation_id: request.correlation_id, success: true, subscribed_types: subscribed });
}

function onFrame(socket: Socket, type: number, payload: Buffer): void {
  if (type === TYPE.REQUEST) onRequest(socket, payload);
  else if (type === TYPE.HEARTBEAT) socket.write(frame(TYPE.HEARTBEAT, ''));
  else if (type === TYPE.SUBSCRIBE || type === TYPE.UNSUBSCRIBE) onSubscription(socket, type, payload);
}

/** Reads frames (v1 6-byte or v2 7-byte header, §1.2) from `socket`, keeping only an incomplete tail between reads. */
function serve(socket: Socket): void {
  let pending: Buffer | undefined;
  socket.on('data', (chunk: Buffer) => {
    const buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    for (;;) {
      if (buffer.length - at < 6) break;
      const header = buffer[at + 4] === 1 ? 6 : 7;
      const length = buffer.readUInt32BE(at);
      if (buffer.length - at < header + length) break;
      onFrame(socket, buffer[at + 5], buffer.subarray(at + header, at + header + length));
      at += header + length;
    }
    pending = at === buffer.length ? undefined : buffer.subarray(at);
  });
  socket.on('close', () => subscribers.delete(socket));
  socket.on('error', () => subscribers.delete(socket));
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must name the Unix socket the baseline server listens on`);
  return value;
}

const server = createServer({ allowHalfOpen: true }, serve);
server.listen(SOCKET_PATH, () => {
  serveParent();
  tellParent({ kind: 'ready', detail: SOCKET_PATH });
});
process.on('SIGTERM', () => process.exit(0)); // the parent is done: open connections do not matter
