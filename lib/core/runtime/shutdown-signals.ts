import { ActonApp } from './acton-app';

/** The signals `bootstrap({ shutdownSignals: true })` turns into `app.close()`. */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Makes SIGINT / SIGTERM call `app.close()`. The handlers are removed as soon as closing starts,
 * so a second Ctrl-C during a slow drain kills the process the default way. Once closed, the
 * process exits by itself when nothing else keeps it alive.
 */
export function installShutdownSignals(app: ActonApp): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    app.logger.info(`Received ${signal}: closing gracefully (send it again to exit at once)`);
    void app.close();
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  app.onClose(() => {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
  });
}
