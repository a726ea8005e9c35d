import { decode as decodeMsgpack, encode as encodeMsgpack } from '@msgpack/msgpack';
import { ClusterFormat } from './cluster-options';

/**
 * The cluster's own wire on NATS: subject names, header names and body encoding. Every subject
 * starts with the cluster namespace, so several clusters can share one nats-server.
 *
 * - `<c>.hb` heartbeats (JSON `NodeAnnouncement`), `<c>.bye` a clean leave;
 * - `<c>.actor.<name>` calls to an actor (queue group `<c>.q.<name>` for replicated ones);
 * - `<c>.reply.<node>.<call>` a lone frame back to the calling node, `<c>.reply.<node>.b` a batch of
 *   them, `<c>.reply.<node>.n<first call>` the reply subject of a batch of calls (it only ever
 *   gets NATS's "no responders" status);
 * - `<c>.ctl.<node>` stream credit and cancels to the serving node, `<c>.cancel` a cancel whose
 *   serving node the caller does not know yet;
 * - `<c>.bcast` broadcasts, one subject so that every node sees them in one order.
 */
export class ClusterSubjects {
  readonly heartbeat: string;
  readonly bye: string;
  readonly broadcast: string;
  readonly cancel: string;

  constructor(readonly cluster: string) {
    this.heartbeat = `${cluster}.hb`;
    this.bye = `${cluster}.bye`;
    this.broadcast = `${cluster}.bcast`;
    this.cancel = `${cluster}.cancel`;
  }

  /** Where calls to actor `name` go. */
  actor(name: string): string {
    return `${this.cluster}.actor.${subjectToken(name)}`;
  }

  /** The queue group sharing calls to replicated actor `name`. */
  queue(name: string): string {
    return `${this.cluster}.q.${subjectToken(name)}`;
  }

  /** Prefix of the reply subjects of `node` (subscribe to `<prefix>.>`). */
  replies(node: string): string {
    return `${this.cluster}.reply.${node}`;
  }

  /** Control subject (credit, cancel) of the node serving a call. */
  control(node: string): string {
    return `${this.cluster}.ctl.${node}`;
  }

  /** Where calls to key `key` of keyed actor `actor` go when node `node` hosts it. */
  keyed(actor: string, node: string, key: string): string {
    return `${this.keyedPrefix(actor, node)}.${keyToken(key)}`;
  }

  /** Prefix of the keyed subjects of `actor` on `node` (a node serves `<prefix>.*`). */
  keyedPrefix(actor: string, node: string): string {
    return `${this.cluster}.key.${subjectToken(actor)}.${subjectToken(node)}`;
  }

  /** The bucket of keyed actors' state (`JetStreamKeyedStateStore`). */
  get stateBucket(): string {
    return `acton_${this.cluster}_state`;
  }

  /** The lease bucket of this cluster. */
  get leaseBucket(): string {
    return `acton_${this.cluster}_leases`;
  }
}

/** A key as one subject token, reversibly: `k<key>` when it is plain, else `x<hex of its UTF-8>`. */
export function keyToken(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? `k${key}` : `x${Buffer.from(key, 'utf8').toString('hex')}`;
}

/** The key a `keyToken` stands for. */
export function keyOfToken(token: string): string {
  return token.startsWith('k') ? token.slice(1) : Buffer.from(token.slice(1), 'hex').toString('utf8');
}

/** Actor names may hold any character; subjects may not hold '.', '*', '>' or spaces. */
export function subjectToken(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : `x${Buffer.from(name, 'utf8').toString('hex')}`;
}

/**
 * Every cluster message carries its metadata as one text line before the body:
 * `field|field|...\n<body>` (cheaper than NATS headers, which cost an encode and a parse each
 * way). Fields are URI-encoded when they hold '|', '\n' or '%'.
 *
 * - call: `mode|wireName|deadline|credit|callId|traceparent|tracestate` (the W3C trace context of
 *   the caller's span, when it traces)
 * - reply frame: `kind|servingNode|callId`
 *
 * Several messages for one subject sent in one event-loop turn travel as one NATS message, a
 * batch envelope (`turn-batcher.ts`: `@`, then each message with its length).
 * - control: `credit|replySubject|frames` or `cancel|replySubject`
 * - broadcast: `wireName|originNode|sourceActor`
 */
export function withMeta(fields: readonly (string | number | undefined)[], body: Uint8Array): Uint8Array {
  return concatBytes(encoder.encode(metaLine(fields)), body);
}

function concatBytes(head: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/** Splits a message into its metadata fields and its body (see `withMeta`). */
export function splitMeta(data: Uint8Array): { readonly fields: string[]; readonly body: Uint8Array } {
  const end = data.indexOf(NEWLINE);
  if (end < 0) return { fields: [], body: data };
  const line = utf8Text(data, 0, end);
  const fields = line.split('|');
  if (line.includes('%')) {
    for (let i = 0; i < fields.length; i++) if (fields[i]!.includes('%')) fields[i] = decodeURIComponent(fields[i]!);
  }
  return { fields, body: data.subarray(end + 1) };
}

/**
 * The UTF-8 text of `data[start, end)`. What the NATS client hands over is usually a `Buffer` (a view
 * of what the socket read), whose `toString` takes about half the CPU of `TextDecoder.decode` for the
 * short lines and bodies every call and stream item carries.
 */
function utf8Text(data: Uint8Array, start: number, end: number): string {
  return Buffer.isBuffer(data) ? data.toString('utf8', start, end) : decoder.decode(data.subarray(start, end));
}

/** The metadata line of `fields`, newline included (see `withMeta`): compute once, reuse per message. */
export function metaLine(fields: readonly (string | number | undefined)[]): string {
  // A plain loop (no array from map / join): every call builds one, and a served stream one per call.
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += '|';
    const value = fields[i];
    if (typeof value === 'number') line += String(value);
    else if (value !== undefined) line += ESCAPED.test(value) ? encodeURIComponent(value) : value;
  }
  return `${line}\n`;
}

/** Characters a metadata field cannot hold as they are. */
const ESCAPED = /[|\n%]/;

const NEWLINE = 10;

/**
 * Reply frame kinds: `d` one reply, `c` the end (with the last reply, if it was not sent yet),
 * `e` an error, `a` a fire-and-forget's delivery ack, `s` "started here" (sent when a call is
 * still running after one event-loop turn, so the caller knows which node to blame if it leaves).
 */
export const Frame = { DATA: 'd', COMPLETE: 'c', ERROR: 'e', ACK: 'a', STARTED: 's', RECEIVED: 'r' } as const;

/** Call modes. */
export const Mode = { REQUEST: 'r', TELL: 't', STREAM: 's' } as const;

/** The error body of an `e` frame. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly data?: unknown;
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * `text` as UTF-8 bytes. Node's `Buffer.from` takes small strings from a shared pool: about half the
 * CPU of `TextEncoder.encode` for the short bodies every call and stream item carries. The bytes
 * may be a view into a larger ArrayBuffer (readers use `byteOffset`, as for any `Uint8Array`).
 */
function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** Encodes and decodes bodies in the configured format; `undefined` is the empty body. */
export class BodyCodec {
  constructor(readonly format: ClusterFormat) {}

  encode(value: unknown): Uint8Array {
    if (value === undefined) return EMPTY;
    if (this.format === 'msgpack') return encodeMsgpack(value, { ignoreUndefined: true });
    return utf8(JSON.stringify(value));
  }

  /** `withMeta(fields, encode(value))`, in one pass for JSON. */
  encodeWithMeta(fields: readonly (string | number | undefined)[], value: unknown): Uint8Array {
    return this.encodeAfterLine(metaLine(fields), value);
  }

  /** `encodeWithMeta` with the metadata line already built (`metaLine`): a stream's frames share one. */
  encodeAfterLine(line: string, value: unknown): Uint8Array {
    if (this.format === 'json') return utf8(value === undefined ? line : line + JSON.stringify(value));
    return concatBytes(encoder.encode(line), this.encode(value));
  }

  decode(data: Uint8Array): unknown {
    if (data.length === 0) return undefined;
    if (this.format === 'msgpack') return decodeMsgpack(data);
    return JSON.parse(utf8Text(data, 0, data.length));
  }
}

/** JSON bodies of membership messages, whatever the payload format. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** @see encodeJson */
export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(utf8Text(data, 0, data.length));
}
