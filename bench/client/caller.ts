import { randomBytes } from 'node:crypto';
import { Frame, MessageType } from '../../lib/ipc/protocol';
import { Answer } from './answer';
import { nowNs } from './latency-recorder';
import { RawConnection } from './raw-connection';

/**
 * Called with each answer to one request. Return `true` while more answers are expected (a
 * stream's data frames), `false` once the request is finished.
 */
export type AnswerHandler = (answer: Answer) => boolean;

/** Deadline put on every bench request, ms (long: the bench measures, it does not time out). */
const RESPONSE_TIMEOUT_MS = 120_000;

/**
 * Random hex digits every id of one caller carries after its prefix: with the counter's 8 digits,
 * an id is as long as the TypeID-style ids real clients send (docs/protocol.md §2.2, e.g.
 * `req_01h9xz7n2e5p6q8r3t1u2v3w4x`, 30 characters).
 */
const ID_RANDOM_DIGITS = 18;

/**
 * Sends request envelopes on one raw connection and routes answers back by `correlation_id`
 * (docs/protocol.md §3.5: clients must not rely on answer order). Ids are opaque strings that the
 * servers echo byte for byte (§2.2), as long as real clients' ids: V8's `JSON.parse` interns
 * string values of up to 10 characters (into the old generation and the string table), so ids as
 * short as `k3_12345` would make every server keep ~24 bytes of garbage per request until its
 * next full GC, which no real client (TypeID-style ids, 29–30 characters) causes.
 */
export class Caller {
  private readonly pending = new Map<string, AnswerHandler>();
  private nextId = 0;
  /** The fixed middle of this caller's ids (see `ID_RANDOM_DIGITS`). */
  private readonly idBase = randomBytes(ID_RANDOM_DIGITS / 2).toString('hex');
  /** Pushes (0x05) received on this connection. */
  pushes = 0;
  /** When the last push arrived (`nowNs()`), 0 before the first. */
  lastPushAt = 0;
  /** Set by `onPush`, called for every push frame (the frame is not decoded). */
  onPush?: (frame: Frame) => void;

  private connection?: RawConnection;

  /** @param prefix start of this caller's correlation ids (unique per connection is enough) */
  private constructor(private readonly prefix: string) {}

  /** Opens a connection to `socketPath`. */
  static async open(socketPath: string, prefix = 'c'): Promise<Caller> {
    const caller = new Caller(prefix);
    caller.connection = await RawConnection.open(socketPath, (frame) => caller.receive(frame));
    return caller;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Sends one request whose payload is the JSON text `payloadJson`.
   * @param mode `reply` (expects_reply) or `stream` (expects_stream)
   */
  request(
    target: string,
    messageType: string,
    payloadJson: string,
    mode: 'reply' | 'stream',
    onAnswer: AnswerHandler,
  ): void {
    const id = this.newId();
    this.pending.set(id, onAnswer);
    const expects = mode === 'stream' ? '"expects_stream":true' : '"expects_reply":true';
    this.connection!.sendJson(
      MessageType.REQUEST,
      `{"correlation_id":"${id}","target":"${target}","message_type":"${messageType}","payload":${payloadJson},${expects},"response_timeout_ms":${RESPONSE_TIMEOUT_MS}}`,
    );
  }

  /** Sends a subscribe frame and resolves with the server's `subscribed_types`. */
  subscribe(messageTypes: readonly string[]): Promise<readonly string[]> {
    return this.subscription(MessageType.SUBSCRIBE, 'message_types', messageTypes, 'subscribed_types');
  }

  /** Sends a SubscribePatterns frame (docs/protocol.md §11.1) and resolves with `subscribed_patterns`. */
  subscribePatterns(patterns: readonly string[]): Promise<readonly string[]> {
    return this.subscription(MessageType.SUBSCRIBE_PATTERNS, 'patterns', patterns, 'subscribed_patterns');
  }

  private subscription(
    type: MessageType,
    field: string,
    names: readonly string[],
    answerField: string,
  ): Promise<readonly string[]> {
    const id = this.newId();
    return new Promise((resolve, reject) => {
      this.pending.set(id, (answer) => {
        const body = answer.body();
        const held = (body as unknown as Record<string, unknown>)[answerField] as string[] | undefined;
        if (body.success && held) resolve(held);
        else reject(new Error(`subscribe to ${names.length} name(s) failed: ${JSON.stringify(body).slice(0, 300)}`));
        return false;
      });
      this.connection!.sendJson(type, JSON.stringify({ correlation_id: id, [field]: names }));
    });
  }

  /** A fresh id: prefix, `idBase`, then the counter as 8 hex digits (unique per connection). */
  private newId(): string {
    return this.prefix + this.idBase + (this.nextId++).toString(16).padStart(8, '0');
  }

  /** The connection's socket or framing error, if any. */
  get error(): Error | undefined {
    return this.connection?.error;
  }

  /** Closes the connection. */
  close(): Promise<void> {
    return this.connection?.close() ?? Promise.resolve();
  }

  private receive(frame: Frame): void {
    if (frame.type === MessageType.PUSH) {
      this.pushes++;
      this.lastPushAt = nowNs();
      this.onPush?.(frame);
      return;
    }
    if (frame.type === MessageType.HEARTBEAT) return;
    const answer = Answer.of(frame);
    const handler = this.pending.get(answer.id);
    if (!handler) throw new Error(`answer for an unknown correlation id ${answer.id}: ${answer.text().slice(0, 200)}`);
    if (!handler(answer)) this.pending.delete(answer.id);
  }
}
