import { connect, Socket } from 'node:net';
import { Transport, TransportEvents, TransportFactory } from './transport';

/**
 * `TransportFactory` over a Unix domain stream socket (docs/protocol.md §1.1).
 * Rejects with the socket's error (its `code` kept, e.g. `ENOENT`, `ECONNREFUSED`, `EACCES`), or
 * with an `ETIMEDOUT` error when the connect does not complete within `timeoutMs` ms.
 */
export const connectUnixSocket: TransportFactory = (socketPath, timeoutMs, events) =>
  new Promise<Transport>((resolve, reject) => {
    const socket = connect({ path: socketPath });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`connect timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new UnixSocketTransport(socket, events));
    });
  });

/** A connected socket behind the `Transport` port. */
class UnixSocketTransport implements Transport {
  private closed = false;

  constructor(
    private readonly socket: Socket,
    events: TransportEvents,
  ) {
    socket.setNoDelay?.(true);
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => events.onData(chunk));
    socket.on('error', (error) => (failure = error));
    socket.once('close', () => {
      this.closed = true;
      events.onClose(failure);
    });
  }

  write(frame: Buffer): void {
    // net.Socket queues writes in order; one write per frame keeps frames whole (docs/protocol.md §3.5).
    if (!this.closed && !this.socket.destroyed) this.socket.write(frame);
  }

  close(): void {
    this.socket.destroy();
  }
}
