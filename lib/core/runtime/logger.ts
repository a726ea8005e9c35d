/**
 * Where the framework reports what it cannot throw at anyone (a fire-and-forget handler that
 * failed, a broadcast dropped at a full mailbox, a failing `onStop`). The IPC layer logs through
 * the same interface. `meta` is optional structured context (e.g. the error).
 */
export interface Logger {
  debug(message: string, ...meta: unknown[]): void;
  info(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
}

/** Severity threshold of `ConsoleLogger`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** A `Logger` writing `[acton] <level> <message>` to the console at or above `level`. */
export class ConsoleLogger implements Logger {
  /** @param level lowest level printed; default `info` */
  constructor(private readonly level: LogLevel = 'info') {}

  debug(message: string, ...meta: unknown[]): void {
    if (this.enabled('debug')) console.debug(`[acton] debug ${message}`, ...meta);
  }

  info(message: string, ...meta: unknown[]): void {
    if (this.enabled('info')) console.info(`[acton] info ${message}`, ...meta);
  }

  warn(message: string, ...meta: unknown[]): void {
    if (this.enabled('warn')) console.warn(`[acton] warn ${message}`, ...meta);
  }

  error(message: string, ...meta: unknown[]): void {
    if (this.enabled('error')) console.error(`[acton] error ${message}`, ...meta);
  }

  private enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }
}

/**
 * The logger used when none is given: the console at `info`, or only warnings and errors when
 * running under tests (`NODE_ENV=test` or jest's `JEST_WORKER_ID`). `ACTON_LOG_LEVEL`
 * (`debug|info|warn|error|silent`) overrides both.
 */
export function defaultLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const configured = env.ACTON_LOG_LEVEL as LogLevel | undefined;
  if (configured && configured in RANK) return new ConsoleLogger(configured);
  const underTest = env.NODE_ENV === 'test' || env.JEST_WORKER_ID !== undefined;
  return new ConsoleLogger(underTest ? 'warn' : 'info');
}
