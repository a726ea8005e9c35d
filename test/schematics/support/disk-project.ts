import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { REPO_ROOT } from './source-collection';

/**
 * Writes every file of `tree` into a new temporary folder whose `node_modules` links to this
 * repository's, so generated code can import class-validator and rxjs (and `acton-ts`, which
 * jest maps to lib/). Returns the folder.
 */
export function writeToDisk(tree: UnitTestTree, prefix = 'acton-generated-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const file of tree.files) {
    const target = join(dir, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, tree.read(file)!);
  }
  return dir;
}
