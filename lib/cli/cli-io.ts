/** Where the `acton` command reads and writes; the process's streams by default. */
export interface CliIo {
  /** Writes `line` and a newline to stdout. */
  out(line: string): void;
  /** Writes `line` and a newline to stderr. */
  err(line: string): void;
  /** The whole of stdin as UTF-8 (for a `-` JSON argument). */
  readStdin(): Promise<string>;
  /** Calls `handler` on Ctrl-C / SIGTERM until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
}

/** `CliIo` over `process.stdout`, `process.stderr`, `process.stdin` and SIGINT/SIGTERM. */
export const PROCESS_IO: CliIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  },
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
};
