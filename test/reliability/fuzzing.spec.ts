import fc from 'fast-check';
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { FrameDecoder } from '../../lib/ipc/protocol/frame-decoder';
import {
  FramingError,
  frameTooLarge,
  invalidFormat,
  invalidMessageType,
  unsupportedVersion,
} from '../../lib/ipc/protocol/framing-error';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { RawFrameClient } from '../support/raw-frame-client';
import { call, freshSocketPath, probe, ServerProcess, startServer, until } from './fixtures/server-process';

/**
 * Fuzzing (issue 8). The decoder's own property tests (test/ipc/protocol/frame-decoder.spec.ts)
 * cover splits of valid sequences and random bytes; this file adds a differential test against a
 * whole-buffer reference decoder on MUTATED frame sequences (where random bytes rarely get past
 * the version byte), and a bounded fuzz of a live server process.
 */

interface Decoded {
  frames: string[];
  error?: FramingError;
}

/** The §1.6 rules applied to the whole byte string at once (the oracle). */
function referenceDecode(bytes: Buffer, limit: number): Decoded {
  const frames: string[] = [];
  let at = 0;
  for (;;) {
    if (bytes.length - at < 6) return { frames };
    const version = bytes[at + 4];
    if (version !== 1 && version !== 2) return { frames, error: unsupportedVersion(version) };
    const type = bytes[at + 5];
    if (type < 1 || type > (version === 1 ? 4 : 0x0b)) return { frames, error: invalidMessageType(type, version) };
    let format = 1;
    if (version === 2) {
      if (bytes.length - at < 7) return { frames };
      format = bytes[at + 6];
      if (format !== 1 && format !== 2) return { frames, error: invalidFormat(format) };
    }
    const length = bytes.readUInt32BE(at);
    if (length > limit) return { frames, error: frameTooLarge(length, limit) };
    const start = at + (version === 1 ? 6 : 7);
    if (bytes.length - start < length) return { frames };
    frames.push(`${version}/${type}/${format}/${bytes.subarray(start, start + length).toString('hex')}`);
    at = start + length;
  }
}

function incrementalDecode(parts: Buffer[], limit: number): Decoded & { maxBuffered: number } {
  const decoder = new FrameDecoder(limit);
  const frames: string[] = [];
  let error: FramingError | undefined;
  let maxBuffered = 0;
  for (const part of parts) {
    const result = decoder.push(part);
    for (const f of result.frames)
      frames.push(`${f.version}/${f.type}/${f.format}/${Buffer.from(f.payload).toString('hex')}`);
    error ??= result.error;
    maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes);
  }
  return error ? { frames, error, maxBuffered } : { frames, maxBuffered };
}

const frameSpec = fc.record({
  version: fc.constantFrom(1, 2),
  type: fc.integer({ min: 1, max: 0x0b }),
  format: fc.constantFrom(1, 2),
  payload: fc.uint8Array({ maxLength: 80 }),
});

function encodeSpec(s: { version: number; type: number; format: number; payload: Uint8Array }): Buffer {
  const v1 = s.version === 1 && s.type <= 4;
  const header = Buffer.alloc(v1 ? 6 : 7);
  header.writeUInt32BE(s.payload.length, 0);
  header[4] = v1 ? 1 : 2;
  header[5] = s.type;
  if (!v1) header[6] = s.format;
  return Buffer.concat([header, s.payload]);
}

/** Overwrite bytes, drop a range, or insert bytes, at positions relative to the sequence. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Buffer, mutations: Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === 'set' && at < out.length) out[at] = m.byte;
    if (m.kind === 'drop') out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.count)]);
    if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at)]);
  }
  return out;
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.subarray(last, p));
    last = p;
  }
  return parts;
}

describe('frame decoder: differential fuzz against a whole-buffer reference', () => {
  it('mutated frame sequences, split anywhere, decode exactly as the reference (frames, then the same error); buffering ≤ limit + 7 + chunk', () => {
    fc.assert(
      fc.property(
        fc.array(frameSpec, { maxLength: 8 }),
        fc.array(mutation, { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 0, max: 100 }),
        (specs, mutations, cuts, limit) => {
          const wire = mutate(Buffer.concat(specs.map(encodeSpec)), mutations);
          const parts = split(wire, cuts);
          const { maxBuffered, ...actual } = incrementalDecode(parts, limit);
          expect(actual).toEqual(referenceDecode(wire, limit));
          expect(maxBuffered).toBeLessThanOrEqual(limit + 7 + Math.max(0, ...parts.map((p) => p.length)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a header announcing up to the limit allocates nothing ahead: only the bytes actually received are held', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 * 1024 * 1024 }), fc.uint8Array({ maxLength: 64 }), (length, tail) => {
        const decoder = new FrameDecoder(16 * 1024 * 1024);
        const header = Buffer.from([0, 0, 0, 0, 2, MessageType.REQUEST, 1]);
        header.writeUInt32BE(length, 0);
        decoder.push(header);
        decoder.push(Buffer.from(tail));
        expect(decoder.bufferedBytes).toBeLessThanOrEqual(tail.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('live server fuzz', () => {
  let server: ServerProcess;
  let socketPath: string;

  beforeAll(async () => {
    socketPath = freshSocketPath();
    server = await startServer({ socket: { path: socketPath }, limits: { maxMessageSize: 64 * 1024 } });
  }, 30_000);
  afterAll(async () => {
    await server.stop('SIGKILL').catch(() => undefined);
  });

  const validFrame = (type: number, format: 1 | 2, body: unknown): Buffer => {
    const payload = format === 1 ? Buffer.from(JSON.stringify(body) ?? 'null') : Buffer.from(msgpackEncode(body));
    return encodeSpec({ version: 2, type, format, payload });
  };
  const requestBody = fc.record(
    {
      correlation_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      target: fc.oneof(fc.constantFrom('echo', 'control', 'nobody'), fc.string()),
      message_type: fc.oneof(fc.constantFrom('Echo', 'Probe', 'Produce', 'BroadcastTicks', 'Nope'), fc.string()),
      payload: fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.record({ n: fc.oneof(fc.integer(), fc.double(), fc.string()), delayMs: fc.integer({ min: -5, max: 5 }) }),
      ),
      expects_reply: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
      expects_stream: fc.oneof(fc.boolean(), fc.constant(undefined)),
      response_timeout_ms: fc.oneof(fc.integer({ min: -10, max: 2000 }), fc.double(), fc.string(), fc.constant(1e300)),
    },
    { requiredKeys: [] },
  );
  const frameCase = fc.oneof(
    fc.tuple(fc.constant(MessageType.REQUEST), fc.constantFrom<1 | 2>(1, 2), requestBody),
    fc.tuple(
      fc.constantFrom(MessageType.SUBSCRIBE, MessageType.UNSUBSCRIBE, MessageType.DISCOVER, MessageType.HEARTBEAT),
      fc.constantFrom<1 | 2>(1, 2),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    fc.tuple(fc.integer({ min: 1, max: 9 }), fc.constantFrom<1 | 2>(1, 2), fc.jsonValue({ maxDepth: 3 })),
  );
  const wireCase = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.array(frameCase, { minLength: 1, maxLength: 4 }), fc.array(mutation, { maxLength: 2 }))
        .map(([frames, ms]) => mutate(Buffer.concat(frames.map(([t, f, b]) => validFrame(t, f, b))), ms)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
  );

  it('200 random and mutated frame sequences: the server never falls over, and after each a fresh connection is served', async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(wireCase, async (wire) => {
        cases++;
        const client = await RawFrameClient.connect(socketPath);
        client.write(wire);
        // Whatever the answer, the case ends when the server closed or went quiet.
        await Promise.race([client.waitForEof(1000).catch(() => undefined), new Promise((r) => setTimeout(r, 60))]);
        await client.close();
        const fresh = await RawFrameClient.connect(socketPath);
        try {
          fresh.write('00000000020401');
          expect((await fresh.next(3000)).type).toBe(MessageType.HEARTBEAT);
          expect((await call(fresh, 'echo', 'Echo', { n: cases }, 3000)).body).toMatchObject({
            success: true,
            payload: { n: cases },
          });
        } finally {
          await fresh.close();
        }
      }),
      { numRuns: 200, endOnFailure: true },
    );
    expect(server.child.exitCode).toBeNull();
    // Every fuzz connection and request was released: only the probe itself remains.
    await until(
      async () => {
        const { stats } = await probe(socketPath);
        return stats.activeConnections === 1 && stats.inFlightRequests === 1;
      },
      'fuzz connections and requests to be released',
      5_000,
    );
  }, 90_000);
});
