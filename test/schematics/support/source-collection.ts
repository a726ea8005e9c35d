import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** The collection.json users get. */
export const COLLECTION_PATH = join(REPO_ROOT, 'schematics', 'collection.json');

interface CollectionJson {
  schematics: Record<string, { factory: string; schema: string; description: string; aliases?: string[] }>;
}

/** The shipped collection.json, parsed. */
export function shippedCollection(): CollectionJson {
  return JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')) as CollectionJson;
}

/** Maps a shipped factory reference (`../dist/schematics/actor/actor.factory#actor`) to its TypeScript source file and export. */
export function sourceFactory(factory: string): { file: string; exportName: string } {
  const [path, exportName] = factory.split('#') as [string, string];
  const file = join(REPO_ROOT, path.replace(/^\.\.\/dist\//, '')) + '.ts';
  return { file, exportName };
}

/**
 * A copy of the shipped collection.json whose factories point at the TypeScript sources
 * (which jest compiles) instead of `dist/`, so the tests exercise the current code without a
 * build. Everything else (names, aliases, schemas) is the shipped collection's.
 */
export function sourceCollectionPath(): string {
  const shipped = shippedCollection();
  for (const entry of Object.values(shipped.schematics)) {
    const { file, exportName } = sourceFactory(entry.factory);
    entry.factory = `${file.replace(/\.ts$/, '')}#${exportName}`;
    entry.schema = join(REPO_ROOT, 'schematics', entry.schema);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'acton-schematics-')), 'collection.json');
  writeFileSync(path, JSON.stringify(shipped, null, 2));
  return path;
}
