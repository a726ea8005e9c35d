import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/**
 * Maps a shipped factory reference (`../dist/schematics/actor/actor.factory#actor`) to its
 * TypeScript source file and export.
 */
export function sourceFactory(factory: string): { file: string; exportName: string } {
  const [path, exportName] = factory.split('#') as [string, string];
  const file = join(REPO_ROOT, path.replace(/^\.\.\/dist\//, '')) + '.ts';
  return { file, exportName };
}

/**
 * A copy of the shipped collection.json whose factories point at the TypeScript sources
 * (which jest compiles) instead of `dist/`, so the tests exercise the current code without a
 * build. Everything else (names, aliases, schemas) is the shipped collection's. Written to
 * one folder per checkout, `<tmp>/acton-schematics-<hash of the repo path>/`, reused by every run.
 */
export function sourceCollectionPath(): string {
  const shipped = shippedCollection();
  for (const entry of Object.values(shipped.schematics)) {
    const { file, exportName } = sourceFactory(entry.factory);
    entry.factory = `${file.replace(/\.ts$/, '')}#${exportName}`;
    entry.schema = join(REPO_ROOT, 'schematics', entry.schema);
  }
  const dir = join(tmpdir(), `acton-schematics-${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12)}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'collection.json');
  const partial = `${path}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(shipped, null, 2));
  renameSync(partial, path); // atomic: test files running in parallel never read half a file
  return path;
}
