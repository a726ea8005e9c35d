import * as ts from 'typescript';
import { TextEdit } from './text-edit';

/**
 * The edit that appends `item` to a comma-separated list written in `source` (the elements of
 * an array literal or the properties of an object literal), in the list's own style: on a new
 * line with the last element's indentation when the list is written one element per line,
 * after `, ` otherwise, and keeping a trailing comma if the list has one.
 * @param literal the array or object literal whose `list` this is
 * @param pad what surrounds `item` inside an empty literal (`' '` gives `{ item }`)
 */
export function appendToList(
  sf: ts.SourceFile,
  literal: ts.Node,
  list: ts.NodeArray<ts.Node>,
  item: string,
  pad = '',
): TextEdit {
  const text = sf.text;
  const opener = literal.getStart(sf);
  if (list.length === 0) return { start: opener + 1, end: literal.end - 1, text: `${pad}${item}${pad}` };
  const last = list[list.length - 1]!;
  const multiline = lineOf(sf, last.getStart(sf)) !== lineOf(sf, opener);
  const separator = multiline ? `\n${indentationAt(text, last.getStart(sf))}` : ' ';
  if (list.hasTrailingComma) {
    const comma = text.indexOf(',', last.end) + 1;
    return { start: comma, end: comma, text: `${separator}${item},` };
  }
  return { start: last.end, end: last.end, text: `,${separator}${item}` };
}

function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line;
}

/** The whitespace that starts the line holding `pos`. */
function indentationAt(text: string, pos: number): string {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, pos))![0];
}
