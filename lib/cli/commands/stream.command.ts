import { Command } from 'commander';
import { Observable } from 'rxjs';
import { withClient } from '../client-session';
import { CliIo } from '../cli-io';
import { parseMilliseconds } from '../global-options';
import { parseJsonArgument } from '../json-argument';
import { jsonLine } from '../json-line';

/**
 * `acton stream <target> <type> [json] [--idle-timeout ms]`: request-stream; prints each item's
 * payload as one JSON line as it arrives, and exits 0 on the final frame (or on Ctrl-C, which
 * cancels the stream). `--timeout` bounds the whole stream (0: no deadline, for watch-style
 * streams); `--idle-timeout` bounds the silence before the first item and between items.
 */
export function registerStreamCommand(program: Command, io: CliIo): void {
  program
    .command('stream')
    .description('send a stream request and print each item as one JSON line until the stream ends')
    .argument('<target>', 'exposed actor name')
    .argument('<type>', 'message type')
    .argument('[json]', 'payload as JSON; "-" reads it from stdin; default {}')
    .option('--idle-timeout <ms>', 'fail when no item arrives for this long (default: no limit)', parseMilliseconds)
    .addHelpText(
      'after',
      `\nA stream that may run for ever (a watch, a feed): acton --timeout 0 stream <target> <type>`,
    )
    .action(
      async (
        target: string,
        type: string,
        json: string | undefined,
        options: { idleTimeout?: number },
        command: Command,
      ) => {
        const payload = await parseJsonArgument(json, io);
        await withClient(command, { target, type }, (client, timeoutMs) =>
          printUntilDone(client.stream(target, type, payload, { timeoutMs, idleTimeoutMs: options.idleTimeout }), io),
        );
      },
    );
}

/** Prints every value as a JSON line; resolves on completion or Ctrl-C, rejects on error. */
export function printUntilDone(values: Observable<unknown>, io: CliIo): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let stopInterrupt = (): void => undefined;
    const subscription = values.subscribe({
      next: (value) => io.out(jsonLine(value)),
      error: (error: unknown) => {
        stopInterrupt();
        reject(error);
      },
      complete: () => {
        stopInterrupt();
        resolve();
      },
    });
    stopInterrupt = io.onInterrupt(() => {
      stopInterrupt();
      subscription.unsubscribe();
      resolve();
    });
    if (subscription.closed) stopInterrupt();
  });
}
