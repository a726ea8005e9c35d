/**
 * The byte pipe under a client connection (nats.js `transport.ts` style): the client speaks
 * frames through this port only, so the socket could be swapped (e.g. for an in-memory pipe)
 * without touching the protocol logic.
 */
export interface Transport {
  /** Queues one whole frame for writing; frames are written in call order, never interleaved. */
  write(frame: Buffer): void;
  /** Closes both directions now. Idempotent; `onClose` fires once afterwards. */
  close(): void;
}

/** What a transport reports to its owner. */
export interface TransportEvents {
  /** Bytes received, in order (chunk boundaries are arbitrary). */
  onData(chunk: Buffer): void;
  /** The pipe is gone (peer EOF, error, or `close()`); `error` when it failed. Called once. */
  onClose(error?: Error): void;
}

/**
 * Opens a transport to `address` within `timeoutMs` milliseconds.
 * @throws Error (with the system `code`, e.g. `ENOENT`, `ECONNREFUSED`, or `ETIMEDOUT`) when it cannot
 */
export type TransportFactory = (address: string, timeoutMs: number, events: TransportEvents) => Promise<Transport>;
