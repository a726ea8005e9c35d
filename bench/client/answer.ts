import { Frame, MessageType } from '../../lib/ipc/protocol';

/** A decoded answer body: response (0x02/0x03) or stream frame (0x09). */
export interface AnswerBody {
  readonly correlation_id: string;
  readonly success?: boolean;
  readonly error?: string;
  readonly error_code?: string;
  readonly payload?: unknown;
  readonly sequence?: number;
  readonly is_final?: boolean;
}

const ID_PREFIX = '{"correlation_id":"';
const QUOTE = 0x22;

/**
 * One answer frame, decoded only as far as needed. The load client must cost less than the
 * servers it measures, so the common case — the compact layout both servers write,
 * `{"correlation_id":"<id>",...}` with the bench's escape-free ids — is read by comparing
 * bytes; anything else is `JSON.parse`d and checked field by field (`body()`), so a server
 * writing another valid layout is still judged correctly, only more slowly.
 */
export class Answer {
  private parsed?: AnswerBody;

  private constructor(
    readonly type: MessageType,
    private readonly payload: Buffer,
    /** The `correlation_id`. */
    readonly id: string,
    /** Offset just after the id's closing quote, or -1 when the layout was not the compact one. */
    private readonly afterId: number,
  ) {}

  /** Reads the correlation id of a response / error / stream frame. */
  static of(frame: Frame): Answer {
    const { payload } = frame;
    if (startsWith(payload, 0, ID_PREFIX)) {
      const end = payload.indexOf(QUOTE, ID_PREFIX.length);
      if (end > 0 && payload.indexOf(0x5c, ID_PREFIX.length) === -1) {
        return new Answer(frame.type, payload, payload.toString('latin1', ID_PREFIX.length, end), end + 1);
      }
    }
    const body = JSON.parse(payload.toString('utf8')) as AnswerBody;
    const answer = new Answer(frame.type, payload, body.correlation_id, -1);
    answer.parsed = body;
    return answer;
  }

  /** The whole body, parsed (once). */
  body(): AnswerBody {
    return (this.parsed ??= JSON.parse(this.payload.toString('utf8')) as AnswerBody);
  }

  /** True when the bytes after the id are exactly `tail`; false means "look at `body()`". */
  tailIs(tail: string): boolean {
    return (
      this.afterId >= 0 &&
      this.payload.length - this.afterId === tail.length &&
      startsWith(this.payload, this.afterId, tail)
    );
  }

  /** True when the bytes after the id start with `head`; false means "look at `body()`". */
  tailStartsWith(head: string): boolean {
    return this.afterId >= 0 && startsWith(this.payload, this.afterId, head);
  }

  /** The raw JSON text, for error reports. */
  text(): string {
    return this.payload.toString('utf8');
  }
}

function startsWith(bytes: Buffer, offset: number, ascii: string): boolean {
  if (bytes.length - offset < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[offset + i] !== ascii.charCodeAt(i)) return false;
  return true;
}
