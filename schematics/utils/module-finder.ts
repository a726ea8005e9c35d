import { dirname, join, normalize, Path, relative } from '@angular-devkit/core';
import { SchematicsException, Tree } from '@angular-devkit/schematics';

/**
 * The module file an actor generated in `fromDir` belongs to: the first `*.module.ts` (by name)
 * in `fromDir`, else in its parent, and so on up to the workspace root — the way `nest g`
 * finds the nearest module. `undefined` when there is none.
 */
export function findNearestModule(tree: Tree, fromDir: string): Path | undefined {
  let dir = normalize(`/${fromDir}`);
  for (;;) {
    const found = tree
      .getDir(dir)
      .subfiles.filter((file) => file.endsWith('.module.ts'))
      .sort()[0];
    if (found) return join(dir, found);
    if (dir === '/') return undefined;
    dir = dirname(dir);
  }
}

/**
 * The module file named by `--module`, relative to the workspace root (`src/app.module.ts`;
 * `.ts` may be left out).
 * @throws SchematicsException when neither `<file>` nor `<file>.ts` exists
 */
export function explicitModule(tree: Tree, file: string): Path {
  for (const candidate of [file, `${file}.ts`]) {
    const path = normalize(`/${candidate}`);
    if (tree.exists(path)) return path;
  }
  throw new SchematicsException(
    `--module ${file}: no such file (the path is relative to the project root, e.g. src/app.module.ts)`,
  );
}

/** The specifier that imports `target` (a path without `.ts`) from the file `from`: `./price-feed/price-feed.actor`. */
export function relativeImport(from: Path, target: Path): string {
  const rel = relative(dirname(from), target);
  return rel.startsWith('.') ? rel : `./${rel}`;
}
