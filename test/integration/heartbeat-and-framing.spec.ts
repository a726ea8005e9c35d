import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { isolateIpcEnvironment, IpcTestApp, startIpcTestApp } from '../support/ipc-test-app';
import { TEST_ACTORS } from './fixtures/test-actors';

const hex = (b: Buffer): string => b.toString('hex');
const add = (id: string) => ({
  correlation_id: id,
  target: 'calculator',
  message_type: 'Add',
  payload: { a: 5, b: 3 },
  expects_reply: true,
});

describe('heartbeats and frame validation (docs/protocol.md §1, §2.4)', () => {
  let restore: () => void;
  let t: IpcTestApp;

  beforeAll(async () => {
    restore = isolateIpcEnvironment();
    t = await startIpcTestApp(TEST_ACTORS, { limits: { maxMessageSize: 1000 } });
  });
  afterAll(async () => {
    await t.close();
    restore();
  });

  it('§10.1 a v2 heartbeat gets back exactly 00 00 00 00 02 04 01', async () => {
    const client = await t.connect();
    client.write('00 00 00 00 02 04 01');
    await client.next();
    expect(hex(client.bytes)).toBe('00000000020401');
  });

  it('§10.2 a v1 heartbeat gets back the v2 heartbeat', async () => {
    const client = await t.connect();
    client.write('00 00 00 00 01 04');
    await client.next();
    expect(hex(client.bytes)).toBe('00000000020401');
  });

  it('§10.3 a MessagePack heartbeat with payload {} is answered with an empty JSON-format heartbeat', async () => {
    const client = await t.connect();
    client.write('00 00 00 01 02 04 02 80'); // {} in MessagePack
    client.write('00 00 00 02 02 04 01 7b 7d'); // {} in JSON
    await client.nextFrames(2);
    expect(hex(client.bytes)).toBe('00000000020401'.repeat(2));
  });

  it('§10.4 a v1 request is processed and answered with a 7-byte v2 JSON header', async () => {
    const client = await t.connect();
    const body = Buffer.from(JSON.stringify(add('v1-req')));
    const header = Buffer.alloc(6);
    header.writeUInt32BE(body.length, 0);
    header[4] = 1;
    header[5] = 1;
    client.write(Buffer.concat([header, body]));
    const frame = await client.next();
    const expected = '{"correlation_id":"v1-req","success":true,"payload":{"sum":8}}';
    expect(hex(client.bytes.subarray(0, 7))).toBe(`000000${expected.length.toString(16)}020201`);
    expect(frame.payload.toString()).toBe(expected);
  });

  it.each([
    ['03', 'Unsupported protocol version 0x03, supported range: 0x01-0x02'],
    ['00', 'Unsupported protocol version 0x00, supported range: 0x01-0x02'],
    ['ff', 'Unsupported protocol version 0xff, supported range: 0x01-0x02'],
  ])(
    '§10.5 version byte 0x%s gets one UNSUPPORTED_PROTOCOL_VERSION frame, then the connection closes',
    async (version, text) => {
      const client = await t.connect();
      const errorsBefore = t.app.listener!.stats().errors;
      client.write(`00 00 00 00 ${version} 04 01`);
      const frame = await client.next();
      expect(frame.type).toBe(MessageType.ERROR);
      expect(frame.format).toBe(1);
      expect(frame.body).toEqual({
        correlation_id: '__acton_protocol_error__',
        success: false,
        error: text,
        error_code: 'UNSUPPORTED_PROTOCOL_VERSION',
      });
      await client.waitForEof();
      expect(client.buffered).toHaveLength(0);
      expect(t.app.listener!.stats().errors).toBe(errorsBefore + 1);
    },
  );

  it.each(['0c', '00'])(
    '§10.6 (0x0a/0x0b are pattern frames since 9.3, §11.1) a v2 frame with type 0x%s gets one PROTOCOL_ERROR frame, then the connection closes',
    async (type) => {
      const client = await t.connect();
      client.write(`00 00 00 00 02 ${type} 01`);
      const frame = await client.next();
      expect(frame.body).toMatchObject({
        correlation_id: '__acton_protocol_error__',
        success: false,
        error_code: 'PROTOCOL_ERROR',
      });
      expect(frame.body.error).toMatch(new RegExp(`^Protocol error: Invalid message type 0x${type}`));
      await client.waitForEof();
    },
  );

  it.each(['05', '06', '07', '08', '09', '0a', '0b'])(
    '§10.7 a v1 frame with type 0x%s gets one PROTOCOL_ERROR frame, then the connection closes',
    async (type) => {
      const client = await t.connect();
      client.write(`00 00 00 02 01 ${type} 7b 7d`);
      const frame = await client.next();
      expect(frame.body).toMatchObject({ correlation_id: '__acton_protocol_error__', error_code: 'PROTOCOL_ERROR' });
      expect(frame.body.error).toContain('protocol version 0x01');
      await client.waitForEof();
    },
  );

  it('§10.8 a v2 frame with format byte 0x03 gets one PROTOCOL_ERROR frame, then the connection closes', async () => {
    const client = await t.connect();
    client.write('00 00 00 02 02 01 03 7b 7d');
    const frame = await client.next();
    expect(frame.body).toEqual({
      correlation_id: '__acton_protocol_error__',
      success: false,
      error: 'Protocol error: Invalid format byte 0x03 (expected 0x01 JSON or 0x02 MessagePack)',
      error_code: 'PROTOCOL_ERROR',
    });
    await client.waitForEof();
  });

  it('§10.9 LEN = max_message_size + 1 is refused on the header alone, naming both sizes; LEN = max_message_size is accepted', async () => {
    const refused = await t.connect();
    refused.write('00 00 03 e9 02 01 01'); // 1001, and no payload ever follows
    const frame = await refused.next();
    expect(frame.body).toMatchObject({
      error_code: 'PROTOCOL_ERROR',
      error: 'Protocol error: Frame too large: 1001 > 1000 bytes',
    });
    await refused.waitForEof();

    const accepted = await t.connect();
    const json = JSON.stringify(add('at-limit'));
    const body = Buffer.from(json + ' '.repeat(1000 - json.length)); // trailing JSON whitespace
    expect(body.length).toBe(1000);
    const header = Buffer.from([0, 0, 0x03, 0xe8, 2, 1, 1]);
    accepted.write(Buffer.concat([header, body]));
    expect((await accepted.next()).body).toEqual({ correlation_id: 'at-limit', success: true, payload: { sum: 8 } });
  });

  it('§10.11 client frames of type 0x02, 0x03, 0x05, 0x09 are ignored; a following heartbeat is answered', async () => {
    const client = await t.connect();
    const before = t.app.listener!.stats();
    for (const type of ['02', '03', '05', '09']) client.write(`00 00 00 02 02 ${type} 01 7b 7d`);
    client.write('00 00 00 00 02 04 01');
    const frame = await client.next();
    expect(frame.type).toBe(MessageType.HEARTBEAT);
    expect(await client.quietFor(100)).toBe(true);
    const after = t.app.listener!.stats();
    expect(after.errors).toBe(before.errors);
    expect(after.messagesReceived).toBe(before.messagesReceived);
  });

  it.each([
    ['in the middle of a header', '00 00 00'],
    ['in the middle of a payload', '00 00 00 10 02 01 01 7b 22'],
  ])('§10.12 EOF %s closes the connection without counting an error', async (_where, bytes) => {
    const client = await t.connect();
    const errorsBefore = t.app.listener!.stats().errors;
    client.write(bytes);
    client.endWriting();
    await client.waitForEof();
    expect(client.bytes.length).toBe(0);
    expect(t.app.listener!.stats().errors).toBe(errorsBefore);
  });

  it('answers frames that came before a framing error in the same write, then the error frame', async () => {
    const client = await t.connect();
    client.write(Buffer.concat([Buffer.from('00000000020401', 'hex'), Buffer.from('0000000009040' + '1', 'hex')]));
    const [heartbeat, error] = await client.nextFrames(2);
    expect(heartbeat.type).toBe(MessageType.HEARTBEAT);
    expect(error.body.error_code).toBe('UNSUPPORTED_PROTOCOL_VERSION');
    await client.waitForEof();
  });
});

describe('the 16 MiB hard limit (docs/protocol.md §1.3)', () => {
  it('§10.10 with max_message_size configured above 16 MiB, LEN = 16 777 217 is still refused', async () => {
    const restore = isolateIpcEnvironment();
    const t = await startIpcTestApp(TEST_ACTORS, { limits: { maxMessageSize: 64 * 1024 * 1024 } });
    try {
      const client = await t.connect();
      client.write('01 00 00 01 02 01 01');
      const frame = await client.next();
      expect(frame.body).toMatchObject({
        error_code: 'PROTOCOL_ERROR',
        error: 'Protocol error: Frame too large: 16777217 > 16777216 bytes',
      });
      await client.waitForEof();
    } finally {
      await t.close();
      restore();
    }
  });
});
