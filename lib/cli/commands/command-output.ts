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
