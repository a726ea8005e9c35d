import { connect, Socket } from 'node:net';

/** One answer of Nest's TCP transport: `{ id, response?, err?, isDisposed? }`. */
export interface NestTcpAnswer {
  readonly id: string;
  readonly response?: unknown;
  readonly err?: unknown;
  readonly isDisposed?: boolean;
}

/**
 * A minimal client of Nest's TCP transport wire (`@nestjs/microservices` JsonSocket:
 * `<length>#<json>` where length counts the JSON's characters; request `{ pattern, data, id }`),
 * so the bench measures Nest's server, not Nest's ClientProxy. Answers are routed by `id`.
 * Like the acton wire's `RawConnection`, the answers of one socket read are handled inside
 * `socket.cork()`, so the requests sent in reaction leave in one write: both servers see the
 * same client shape (without it Nest TCP got one write, and one server read, per request).
 */
export class NestTcpCaller {
  private readonly pending = new Map<string, (answer: NestTcpAnswer) => void>();
  private buffer = '';
  private nextId = 0;
  /** The socket's or the framing's error, if any. */
  error?: Error;

  private constructor(
    private readonly socket: Socket,
    private readonly prefix: string,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', (err) => (this.error = err));
  }

  /** Connects to `host:port`. */
  static open(address: string, prefix: string): Promise<NestTcpCaller> {
    const [host, port] = address.split(':');
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port: Number(port) });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.setNoDelay(true);
        resolve(new NestTcpCaller(socket, prefix));
      });
    });
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Sends `{ pattern, data, id }` (both given as JSON text); `onAnswer` gets the final answer. */
  request(patternJson: string, dataJson: string, onAnswer: (answer: NestTcpAnswer) => void): void {
    const id = `${this.prefix}${this.nextId++}`;
    this.pending.set(id, onAnswer);
    const json = `{"pattern":${patternJson},"data":${dataJson},"id":"${id}"}`;
    this.socket.write(`${json.length}#${json}`);
  }

  /** Closes the connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1_000).unref();
    });
  }

  private receive(chunk: string): void {
    this.socket.cork();
    try {
      this.buffer = this.answerAll(this.buffer === '' ? chunk : this.buffer + chunk);
    } finally {
      this.socket.uncork();
    }
  }

  /**
   * Hands every whole answer in `text` to its request's handler, walking it with a cursor (one
   * slice per answer, not a re-slice of the rest); returns the incomplete tail.
   */
  private answerAll(text: string): string {
    let at = 0;
    for (;;) {
      const hash = text.indexOf('#', at);
      if (hash < 0) break;
      const length = Number(text.slice(at, hash));
      if (!Number.isInteger(length)) {
        this.error = new Error(`bad Nest TCP frame header: ${text.slice(at, at + 40)}`);
        return '';
      }
      const end = hash + 1 + length;
      if (text.length < end) break;
      const answer = JSON.parse(text.slice(hash + 1, end)) as NestTcpAnswer;
      at = end;
      if (answer.response === undefined && answer.err === undefined) continue; // a bare { isDisposed } end marker
      const handler = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      handler?.(answer);
    }
    return at === 0 ? text : text.slice(at);
  }
}
