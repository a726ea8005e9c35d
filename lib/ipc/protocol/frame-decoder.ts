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
  // The header of the frame being received, kept in fields (not an object per frame);
  // `headerLength` is -1 while no header is pending.
  private headerVersion: ProtocolVersion = ProtocolVersion.V1;
  private headerType: MessageType = MessageType.REQUEST;
  private headerFormat: Format = Format.JSON;
  private headerLength = -1;
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
    return this.buffered > 0 || this.headerLength >= 0;
  }

  /** The framing error that stopped this decoder, if any. */
  get error(): FramingError | undefined {
    return this.failure;
  }

  /** Adds received bytes; returns the frames they complete (see the class comment). */
  push(chunk: Buffer): DecodeResult {
    const frames: Frame[] = [];
    const error = this.feed(chunk, (frame) => frames.push(frame));
    if (error) return { frames, error };
    return frames.length === 0 ? NOTHING : { frames, error: undefined };
  }

  /**
   * Adds received bytes and hands each frame they complete to `onFrame`, in wire order, as soon
   * as it is decoded (no array or result object per chunk: the server's read path, bench W1).
   * @returns the framing error this chunk hit (after the frames before it), else undefined
   */
  feed(chunk: Buffer, onFrame: (frame: Frame) => void): FramingError | undefined {
    if (this.failure || chunk.length === 0) return undefined;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.headerLength < 0 && !this.readHeader()) return this.failure;
      const length = this.headerLength;
      if (this.buffered < length) return undefined;
      this.headerLength = -1;
      onFrame({
        version: this.headerVersion,
        type: this.headerType,
        format: this.headerFormat,
        payload: this.take(length),
      });
    }
  }

  /**
   * Parses and consumes the next header when its bytes are all there (true; its fields are set);
   * false when more bytes are needed or it is bad (then `failure` is set).
   */
  private readHeader(): boolean {
    if (this.buffered < HEADER_V1_LENGTH) return false;
    const version = this.peek(4);
    if (version !== ProtocolVersion.V1 && version !== ProtocolVersion.V2) return this.fail(unsupportedVersion(version));
    const type = this.peek(5);
    const maxType = version === ProtocolVersion.V1 ? MAX_V1_MESSAGE_TYPE : MAX_V2_MESSAGE_TYPE;
    if (type < MessageType.REQUEST || type > maxType) return this.fail(invalidMessageType(type, version));
    let format: number = Format.JSON; // a v1 frame is implicitly JSON (§1.2)
    if (version === ProtocolVersion.V2) {
      if (this.buffered < HEADER_V2_LENGTH) return false;
      format = this.peek(6);
      if (format !== Format.JSON && format !== Format.MSGPACK) return this.fail(invalidFormat(format));
    }
    const length = ((this.peek(0) << 24) >>> 0) + (this.peek(1) << 16) + (this.peek(2) << 8) + this.peek(3);
    if (length > this.limit) return this.fail(frameTooLarge(length, this.limit));
    this.skip(version === ProtocolVersion.V1 ? HEADER_V1_LENGTH : HEADER_V2_LENGTH);
    this.headerVersion = version;
    this.headerType = type as MessageType;
    this.headerFormat = format as Format;
    this.headerLength = length;
    return true;
  }

  private fail(error: FramingError): false {
    this.failure = error;
    this.chunks = [];
    this.first = 0;
    this.offset = 0;
    this.buffered = 0;
    this.headerLength = -1;
    return false;
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

  /** Drops the next `n` buffered bytes (a header already read with `peek`): no view is made of them. */
  private skip(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const chunk = this.chunks[this.first];
      const count = Math.min(chunk.length - this.offset, n);
      n -= count;
      this.advance(chunk, count);
    }
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
