/** One change to a source text: replace `[start, end)` with `text` (`start === end` inserts). */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Applies non-overlapping edits to `source`, last position first so earlier offsets stay
 * valid; insertions at the same position appear in the order they are given. Everything
 * outside the edited ranges is kept byte for byte (the user's formatting).
 */
export function applyTextEdits(source: string, edits: readonly TextEdit[]): string {
  return edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => b.edit.start - a.edit.start || b.index - a.index)
    .reduce((text, { edit }) => text.slice(0, edit.start) + edit.text + text.slice(edit.end), source);
}
