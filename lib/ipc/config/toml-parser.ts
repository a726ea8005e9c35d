import { parse, TomlError } from 'smol-toml';

/** Where and why a TOML document failed to parse. Line and column are 1-based. */
export interface TomlSyntaxProblem {
  readonly line: number;
  readonly column: number;
  /** The parser's own message, e.g. `integer value cannot be represented losslessly`. */
  readonly reason: string;
  /** The offending line with its neighbours and a caret under the column. */
  readonly excerpt: string;
}

/** The outcome of parsing: the root table, or the syntax problem. Never throws for bad input. */
export type TomlParseResult =
  | { readonly ok: true; readonly table: Record<string, unknown> }
  | { readonly ok: false; readonly problem: TomlSyntaxProblem };

/**
 * Parses a TOML document (TOML 1.0, via smol-toml, kept behind this one function so the parser
 * can be replaced). Integers beyond ±2^53 come back as `bigint` so that the validator, not the
 * parser, reports them as out of range, naming the key.
 */
export function parseToml(text: string): TomlParseResult {
  try {
    return { ok: true, table: parse(text, { integersAsBigInt: 'asNeeded', unsafeKeyBehaviour: 'drop' }) };
  } catch (err) {
    if (err instanceof TomlError) return { ok: false, problem: toProblem(err) };
    throw err;
  }
}

function toProblem(err: TomlError): TomlSyntaxProblem {
  // smol-toml's message is "Invalid TOML document: <reason>\n\n<code block>"; keep only the reason.
  const firstLine = err.message.split('\n')[0] ?? err.message;
  const reason = firstLine.replace(/^Invalid TOML document: /, '');
  return { line: err.line, column: err.column, reason, excerpt: err.codeblock };
}
