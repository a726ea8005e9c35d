import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** How many folders `packageRoot` climbs before giving up. */
const MAX_LEVELS = 8;

/** The fields of acton-ts's own package.json that the schematics read. */
export interface ActonPackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/**
 * The root folder of the acton-ts package (the one holding its package.json and `schematics/`),
 * found by climbing from `fromDir`. Works from the TypeScript sources (`schematics/actor`) and
 * from the compiled output (`dist/schematics/actor`) alike, which is why templates are looked
 * up through it rather than next to the running file.
 * @throws Error when no acton-ts package.json is found within 8 parent folders
 */
export function packageRoot(fromDir: string = __dirname): string {
  let dir = fromDir;
  for (let level = 0; level <= MAX_LEVELS; level++) {
    if (isActonRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    `Cannot find the acton-ts package root above ${fromDir}: is the acton-ts package complete (package.json and schematics/)?`,
  );
}

/** acton-ts's own package.json (name, version, dependency ranges). */
export function actonPackageJson(): ActonPackageJson {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as ActonPackageJson;
}

/** The `files/` template folder of one schematic, e.g. `templatesDir('actor')`. */
export function templatesDir(schematic: string): string {
  return join(packageRoot(), 'schematics', schematic, 'files');
}

function isActonRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest) || !existsSync(join(dir, 'schematics', 'collection.json'))) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'acton-ts';
  } catch {
    return false;
  }
}
