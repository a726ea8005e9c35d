import { readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/**
 * README snippets are included from the sample, so they cannot drift: a line
 * `<!-- include: sample/x.ts -->` (whole file) or `<!-- include: sample/x.ts#name -->` (the lines
 * between `// #region name` and `// #endregion name`, or `# region name` / `# endregion name` in
 * Python) is followed by a fenced block holding exactly that text.
 *
 * Run `npx ts-node test/support/readme-snippets.ts` to rewrite the blocks after changing the sample.
 */
const INCLUDE = /^<!-- include: (\S+?)(?:#(\S+))? -->$/;
const FENCE_LANG: Record<string, string> = { '.ts': 'ts', '.py': 'python' };

/** The README text with every include's block regenerated from the files under `root`. */
export function renderReadme(root: string, readme = readFileSync(join(root, 'README.md'), 'utf8')): string {
  const lines = readme.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const include = INCLUDE.exec(lines[i]);
    if (!include) continue;
    if (lines[i + 1]?.startsWith('```')) i = skipFence(lines, i + 1);
    const [, file, region] = include;
    out.push('```' + (FENCE_LANG[extname(file)] ?? ''), ...snippet(join(root, file), region), '```');
  }
  return out.join('\n');
}

function skipFence(lines: string[], open: number): number {
  let close = open + 1;
  while (close < lines.length && !lines[close].startsWith('```')) close++;
  return close;
}

/** The included text: the whole file, or one named region of it, without the marker lines. */
export function snippet(path: string, region?: string): string[] {
  const lines = readFileSync(path, 'utf8').replace(/\n$/, '').split('\n');
  if (!region) return lines;
  const start = lines.findIndex((line) => new RegExp(`^\\s*(//|#) ?#?region ${region}$`).test(line));
  const end = lines.findIndex((line, i) => i > start && new RegExp(`^\\s*(//|#) ?#?endregion ${region}$`).test(line));
  if (start < 0 || end < 0)
    throw new Error(`README includes region "${region}" of ${path}, which has no such region markers`);
  return lines.slice(start + 1, end);
}

if (require.main === module) {
  const root = join(__dirname, '..', '..');
  writeFileSync(join(root, 'README.md'), renderReadme(root));
  console.log('README.md snippets rewritten from the sample');
}
