import { FramingError, frameTooLarge, invalidFormat, invalidMessageType, unsupportedVersion } from './framing-error';
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  Format,
  Frame,
  HEADER_V1_LENGTH,
  HEADER_V2_LENGTH,
  MAX_FRAME_SIZE,
  MAX_V1_MESSAGE_TYPE,
  MAX_V2_MESSAGE_TYPE,
  MessageType,
  ProtocolVersion,
} from './wire-types';

/** What one `FrameDecoder.push` produced. */
export interface DecodeResult {
  /** Complete frames, in wire order (possibly none). */
  readonly frames: Frame[];
  /** Set once, on the push that hit a framing error; the decoder accepts nothing afterwards. */
  readonly error?: FramingError;
}

interface PendingHeader {
  readonly version: ProtocolVersion;
  readonly type: MessageType;
  readonly format: Format;
  readonly length: number;
}

const EMPTY: Buffer = Buffer.alloc(0);
/**
 * Every result has the one shape `{ frames, error }` (`error` undefined but present), so the
 * reads of it stay monomorphic (bench W1: megamorphic property loads on the request path).
 */
const NOTHING: DecodeResult = { frames: Object.freeze([]) as unknown as Frame[], error: undefined };
/** Compact the chunk list once this many consumed chunks sit at its front. */
const COMPACT_AFTER = 32;

/**
 * Incremental decoder of v1/v2 frames from a byte stream (docs/protocol.md §1.2, §1.6).
 *
 * - Bytes are kept as a list of the pushed chunks plus an offset, never re-concatenated; a
 *   payload lying within one chunk is returned as a view of it (no copy), one spanning chunks is
 *   copied once.
 * - Each header is validated in the §1.6 order — version, type for that version, format (v2),
 *   `LEN` ≤ limit — as soon as its bytes are there and BEFORE any payload byte is buffered, so
 *   at most `limit + 7` bytes are ever held.
 * - A framing error is returned as a value (`DecodeResult.error`, the §0 D3 text); the decoder
 *   then drops its buffer and ignores further input. It never throws on any input.
 */
export class FrameDecoder {
  private readonly limit: number;
  private chunks: Buffer[] = [];
  private first = 0;
  private offset = 0;
  private buffered = 0;
  private header?: PendingHeader;
  private failure?: FramingError;

  /**
   * @param maxMessageSize configured `limits.max_message_size` in bytes; the effective limit is
   *   min(this, 16 MiB) (§1.3). Default 1 MiB.
   */
  constructor(maxMessageSize: number = DEFAULT_MAX_MESSAGE_SIZE) {
    this.limit = Math.min(maxMessageSize, MAX_FRAME_SIZE);
  }

  /** Effective inbound payload limit in bytes. */
  get maxPayload(): number {
    return this.limit;
  }

  /** Bytes received but not yet returned as frames (a partial header or payload). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** True while a frame is partly received (EOF now would be mid-frame, §10 item 12). */
  get midFrame(): boolean {
    return this.buffered > 0 || this.header !== undefined;
  }

  /** The framing error that stopped this decoder, if any. */
  get error(): FramingError | undefined {
    return this.failure;
  }

  /** Adds received bytes; returns the frames they complete (see the class comment). */
  push(chunk: Buffer): DecodeResult {
    if (this.failure || chunk.length === 0) return NOTHING;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      const header = this.header ?? this.readHeader();
      if (this.failure) return { frames, error: this.failure };
      if (!header || this.buffered < header.length) return frames.length === 0 ? NOTHING : { frames, error: undefined };
      this.header = undefined;
      frames.push({
        version: header.version,
        type: header.type,
        format: header.format,
        payload: this.take(header.length),
      });
    }
  }

  /** Parses and consumes the next header when its bytes are all there; sets `failure` on a bad one. */
  private readHeader(): PendingHeader | undefined {
    if (this.buffered < HEADER_V1_LENGTH) return undefined;
    const version = this.peek(4);
    if (version !== ProtocolVersion.V1 && version !== ProtocolVersion.V2) return this.fail(unsupportedVersion(version));
    const type = this.peek(5);
    const maxType = version === ProtocolVersion.V1 ? MAX_V1_MESSAGE_TYPE : MAX_V2_MESSAGE_TYPE;
    if (type < MessageType.REQUEST || type > maxType) return this.fail(invalidMessageType(type, version));
    let format: number = Format.JSON; // a v1 frame is implicitly JSON (§1.2)
    if (version === ProtocolVersion.V2) {
      if (this.buffered < HEADER_V2_LENGTH) return undefined;
      format = this.peek(6);
      if (format !== Format.JSON && format !== Format.MSGPACK) return this.fail(invalidFormat(format));
    }
    const length = ((this.peek(0) << 24) >>> 0) + (this.peek(1) << 16) + (this.peek(2) << 8) + this.peek(3);
    if (length > this.limit) return this.fail(frameTooLarge(length, this.limit));
    this.take(version === ProtocolVersion.V1 ? HEADER_V1_LENGTH : HEADER_V2_LENGTH);
    this.header = { version, type: type as MessageType, format: format as Format, length };
    return this.header;
  }

  private fail(error: FramingError): undefined {
    this.failure = error;
    this.chunks = [];
    this.first = 0;
    this.offset = 0;
    this.buffered = 0;
    this.header = undefined;
    return undefined;
  }

  /** The byte `index` positions after the read position; the caller checked `buffered`. */
  private peek(index: number): number {
    let at = this.offset + index;
    for (let i = this.first; ; i++) {
      const chunk = this.chunks[i];
      if (at < chunk.length) return chunk[at];
      at -= chunk.length;
    }
  }

  /** Removes and returns the next `n` buffered bytes (a view when they sit in one chunk). */
  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
    this.buffered -= n;
    const chunk = this.chunks[this.first];
    const available = chunk.length - this.offset;
    if (available >= n) {
      const view = chunk.subarray(this.offset, this.offset + n);
      this.advance(chunk, n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const current = this.chunks[this.first];
      const count = Math.min(current.length - this.offset, n - written);
      current.copy(out, written, this.offset, this.offset + count);
      written += count;
      this.advance(current, count);
    }
    return out;
  }

  private advance(chunk: Buffer, count: number): void {
    this.offset += count;
    if (this.offset < chunk.length) return;
    this.offset = 0;
    this.first++;
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first >= COMPACT_AFTER) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}
