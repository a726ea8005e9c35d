import { connect, Socket } from 'node:net';
import { encodeJsonFrame, Frame, FrameDecoder, MessageType } from '../../lib/ipc/protocol';

/** Largest frame the bench client accepts (the protocol's hard limit, 16 MiB). */
const MAX_INBOUND = 16 * 1024 * 1024;
/** Connect attempts when the server's listen backlog is full (about 5 s in all). */
const CONNECT_RETRIES = 60;

/**
 * One client connection speaking raw frames: the protocol's own encoder and decoder, so both
 * servers see exactly the same bytes. Frames received in one socket read are handed to
 * `onFrame` inside `socket.cork()`, so the requests a handler sends in reaction leave in one write.
 */
export class RawConnection {
  private readonly decoder = new FrameDecoder(MAX_INBOUND);
  private failure?: Error;

  private constructor(
    private readonly socket: Socket,
    private readonly onFrame: (frame: Frame) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  /**
   * Connects to the Unix socket at `path`. A full listen backlog (`EAGAIN`, which Linux reports
   * for Unix sockets instead of queueing when the server is slow to accept, e.g. while 1,000
   * subscribers connect on a busy machine) is retried, at most `CONNECT_RETRIES` times.
   * @param onFrame called with each received frame, in wire order
   * @throws (rejects) when the socket cannot be reached
   */
  static async open(path: string, onFrame: (frame: Frame) => void): Promise<RawConnection> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await RawConnection.connectOnce(path, onFrame);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || attempt >= CONNECT_RETRIES) throw err;
        await new Promise((done) => setTimeout(done, Math.min(10 * attempt, 100)));
      }
    }
  }

  private static connectOnce(path: string, onFrame: (frame: Frame) => void): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.setNoDelay?.(true);
        const connection = new RawConnection(socket, onFrame);
        socket.on('error', (err) => (connection.failure = err));
        resolve(connection);
      });
    });
  }

  /** The socket error or framing error seen so far, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Writes one JSON frame of `type` whose payload is `json`. */
  sendJson(type: MessageType, json: string): void {
    this.socket.write(encodeJsonFrame(type, json));
  }

  /** Closes the connection and waits until the socket is closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1_000).unref();
    });
  }

  private receive(chunk: Buffer): void {
    const { frames, error } = this.decoder.push(chunk);
    this.socket.cork();
    try {
      for (const frame of frames) this.onFrame(frame);
    } finally {
      this.socket.uncork();
    }
    if (error) {
      this.failure = new Error(`framing error from the server: ${error.message}`);
      this.socket.destroy();
    }
  }
}
