import { Command } from 'commander';

/** Where a command's normal output and its warnings go. */
export interface CommandOutput {
  readonly write: (text: string) => void;
  readonly writeErr: (text: string) => void;
}

/**
 * The command's stdout / stderr writers, through commander's output configuration, so
 * `program.configureOutput({ writeOut, writeErr })` (set before the command is registered)
 * redirects everything the command prints.
 */
export function outputOf(command: Command): CommandOutput {
  const config = command.configureOutput();
  return {
    write: (text) => (config.writeOut ? config.writeOut(text) : void process.stdout.write(text)),
    writeErr: (text) => (config.writeErr ? config.writeErr(text) : void process.stderr.write(text)),
  };
}

const BIGINT_MARKER = '__acton_cli_bigint__';
const BIGINT_PATTERN = new RegExp(`"${BIGINT_MARKER}(-?\\d+)"`, 'g');

/**
 * `value` as one line of compact JSON. 64-bit integers beyond 2^53 (which MessagePack answers
 * may carry as `bigint`) are written as plain JSON numbers, digits intact.
 */
export function jsonLine(value: unknown): string {
  const text = JSON.stringify(value === undefined ? null : value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `${BIGINT_MARKER}${item.toString()}` : item,
  );
  return text.replace(BIGINT_PATTERN, '$1');
}
