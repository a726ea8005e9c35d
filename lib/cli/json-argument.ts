import { CliFailure } from './cli-failure';
import { CliIo } from './cli-io';
import { ExitCode } from './exit-code';

/**
 * The payload given on the command line: absent → `{}`; `-` → stdin parsed as JSON; otherwise
 * the argument parsed as JSON.
 * @throws CliFailure (usage, exit 2) for invalid JSON, with the parser's message and an example
 */
export async function parseJsonArgument(argument: string | undefined, io: CliIo): Promise<unknown> {
  if (argument === undefined) return {};
  const fromStdin = argument === '-';
  const text = fromStdin ? await io.readStdin() : argument;
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CliFailure(
      ExitCode.USAGE,
      `the ${fromStdin ? 'JSON read from stdin' : `JSON argument ${JSON.stringify(shorten(text))}`} is not valid JSON: ${detail}`,
      [`quote the payload for the shell, e.g. acton call calculator AddRequest '{"a":5,"b":3}'`],
    );
  }
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
