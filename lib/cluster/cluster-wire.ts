import { decode as decodeMsgpack, encode as encodeMsgpack } from '@msgpack/msgpack';
import { ClusterFormat } from './cluster-options';

/**
 * The cluster's own wire on NATS: subject names, header names and body encoding. Every subject
 * starts with the cluster namespace, so several clusters can share one nats-server.
 *
 * - `<c>.hb` heartbeats (JSON `NodeAnnouncement`), `<c>.bye` a clean leave;
 * - `<c>.actor.<name>` calls to an actor (queue group `<c>.q.<name>` for replicated ones);
 * - `<c>.reply.<node>.<call>` frames back to the calling node;
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

  /** The lease bucket of this cluster. */
  get leaseBucket(): string {
    return `acton_${this.cluster}_leases`;
  }
}

/** Actor names may hold any character; subjects may not hold '.', '*', '>' or spaces. */
export function subjectToken(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : `x${Buffer.from(name, 'utf8').toString('hex')}`;
}

/** Header names. */
export const Header = {
  /** Wire name of the message. */
  TYPE: 'acton-type',
  /** `r` request, `t` tell (fire-and-forget), `s` stream. */
  MODE: 'acton-mode',
  /** Absolute deadline, epoch ms. */
  DEADLINE: 'acton-deadline',
  /** `<caller node>.<call id>`: identifies a call in credit, cancel and reply frames. */
  CALL: 'acton-call',
  /** Stream credit: how many more data frames the caller accepts. */
  CREDIT: 'acton-credit',
  /** Kind of reply frame: see `Frame`. */
  FRAME: 'acton-frame',
  /** Node that sent a reply frame or a broadcast. */
  NODE: 'acton-node',
  /** `credit` or `cancel` on the control subject. */
  OP: 'acton-op',
  /** Source actor of a broadcast. */
  SOURCE: 'acton-source',
} as const;

/** Reply frame kinds. */
export const Frame = { DATA: 'd', COMPLETE: 'c', ERROR: 'e', ACK: 'a' } as const;

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

/** Encodes and decodes bodies in the configured format; `undefined` is the empty body. */
export class BodyCodec {
  constructor(readonly format: ClusterFormat) {}

  encode(value: unknown): Uint8Array {
    if (value === undefined) return EMPTY;
    if (this.format === 'msgpack') return encodeMsgpack(value, { ignoreUndefined: true });
    return encoder.encode(JSON.stringify(value));
  }

  decode(data: Uint8Array): unknown {
    if (data.length === 0) return undefined;
    if (this.format === 'msgpack') return decodeMsgpack(data);
    return JSON.parse(decoder.decode(data));
  }
}

/** JSON bodies of membership messages, whatever the payload format. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** @see encodeJson */
export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data));
}
