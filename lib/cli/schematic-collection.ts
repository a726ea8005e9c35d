import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../../schematics/utils/package-root';

// The collection's description (names, aliases, options) is read from its JSON files only, so
// `acton g --help` and option checks work without the Angular devkit (an optional peer: see
// schematics-devkit.ts); running a schematic is schematics-runner.ts's job.

/** One schematic of a collection, as `acton g --help` lists it. */
export interface SchematicInfo {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  /** The option names its schema.json declares (camelCase). */
  readonly options: readonly string[];
}

/** The path of acton-ts's own collection.json. */
export function actonCollectionPath(): string {
  return join(packageRoot(__dirname), 'schematics', 'collection.json');
}

/**
 * The schematics of a collection (names, aliases, descriptions, option names), in the
 * collection's order.
 * @throws Error when the collection.json or a schema.json cannot be read
 */
export function listSchematics(collection: string = actonCollectionPath()): SchematicInfo[] {
  const json = readJson(collection) as {
    schematics: Record<string, { description?: string; aliases?: string[]; schema?: string }>;
  };
  return Object.entries(json.schematics).map(([name, entry]) => ({
    name,
    aliases: entry.aliases ?? [],
    description: entry.description ?? '',
    options: entry.schema
      ? Object.keys((readJson(resolve(dirname(collection), entry.schema)) as { properties?: object }).properties ?? {})
      : [],
  }));
}

/**
 * The schematic a name or alias designates.
 * @throws Error listing the available schematics when there is none
 */
export function findSchematic(nameOrAlias: string, collection: string = actonCollectionPath()): SchematicInfo {
  const all = listSchematics(collection);
  const found = all.find((s) => s.name === nameOrAlias || s.aliases.includes(nameOrAlias));
  if (found) return found;
  throw new Error(`Unknown schematic '${nameOrAlias}'. Available schematics: ${describeSchematics(all)}`);
}

/** `actor (a), application (app, new), message (m, msg)`. */
export function describeSchematics(all: readonly SchematicInfo[]): string {
  return all.map((s) => (s.aliases.length ? `${s.name} (${s.aliases.join(', ')})` : s.name)).join(', ');
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read ${path} (${(err as Error).message}): reinstall acton-ts`, { cause: err });
  }
}
