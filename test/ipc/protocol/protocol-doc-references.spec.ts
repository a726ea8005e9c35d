import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Code comments and test names cite docs/protocol.md by section (`§5.6`, `§0 D3`, `§10.26` for
 * checklist item 26). These tests keep the citations and the document in step: every cited
 * section, deviation and checklist item must exist in docs/protocol.md.
 */

const ROOT = join(__dirname, '../../..');
const DOC = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8');
const SCANNED = ['lib', 'test', 'bench', 'sample', 'schematics'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'files') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every `§N`, `§N.M` and `§0 Dk` citation, with the first file that makes it. */
function citations(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of SCANNED.flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/§ ?(\d+(?:\.\d+)?)(?: (D\d+))?/g)) {
      const key = match[2] ? `§0 ${match[2]}` : `§${match[1]}`;
      if (!found.has(key)) found.set(key, relative(ROOT, file));
    }
  }
  return found;
}

/** What docs/protocol.md offers to cite: headings `## N.` / `### N.M`, rows `| Dk |`, §10 items `N.`. */
function anchors(): Set<string> {
  const set = new Set<string>();
  for (const match of DOC.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)) set.add(`§${match[1]}`);
  for (const match of DOC.matchAll(/^\| (D\d+) \|/gm)) set.add(`§0 ${match[1]}`);
  const checklist = DOC.slice(DOC.indexOf('## 10.'), DOC.indexOf('## 11.'));
  for (const match of checklist.matchAll(/^(\d+)\. /gm)) set.add(`§10.${match[1]}`);
  return set;
}

describe('docs/protocol.md and the citations of it', () => {
  it('has every section, deviation and checklist item that the code cites', () => {
    const offered = anchors();
    const missing = [...citations()].filter(([key]) => !offered.has(key)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  it('numbers the checklist 1 to 70 without gaps, and lists the deviations D1 to D8', () => {
    const offered = anchors();
    for (let item = 1; item <= 70; item++) expect(offered).toContain(`§10.${item}`);
    for (let d = 1; d <= 8; d++) expect(offered).toContain(`§0 D${d}`);
  });
});
