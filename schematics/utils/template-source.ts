import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { HostTree, SchematicsException, Source } from '@angular-devkit/schematics';

/**
 * A schematics `Source` holding every file under `dir` (paths relative to it). Used instead
 * of `url('./files')` because the factories run from `dist/` while the templates stay in
 * `schematics/<name>/files` (no copy step in the build), and because a folder read from disk
 * needs no URL parsing (paths with `#` or spaces would break `url()`).
 * @throws SchematicsException when `dir` cannot be read
 */
export function templateSource(dir: string): Source {
  return () => {
    const tree = new HostTree();
    for (const file of filesUnder(dir)) {
      tree.create(relative(dir, file).split(sep).join('/'), readFileSync(file));
    }
    return tree;
  };
}

function filesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new SchematicsException(
      `Cannot read the templates at ${dir} (${(err as Error).message}): reinstall acton-ts`,
    );
  }
  return entries
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}
