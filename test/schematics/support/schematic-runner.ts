import { Tree } from '@angular-devkit/schematics';
import { SchematicTestRunner, UnitTestTree } from '@angular-devkit/schematics/testing';
import { sourceCollectionPath } from './source-collection';

/** The AppModule `acton new` writes, before any actor is added. */
export const APP_MODULE = `import { IpcModule, Module } from 'acton-ts';

@Module({
  imports: [IpcModule.forRoot({ socket: { appName: 'demo' } })],
  actors: [],
})
export class AppModule {}
`;

/** A test runner over the shipped collection, with factories compiled from source. */
export function testRunner(): SchematicTestRunner {
  return new SchematicTestRunner('acton-ts', sourceCollectionPath());
}

/** A workspace holding `files` (path → content). */
export function workspace(files: Record<string, string> = { '/src/app.module.ts': APP_MODULE }): Tree {
  const tree = Tree.empty();
  for (const [path, content] of Object.entries(files)) tree.create(path, content);
  return tree;
}

/** Runs a schematic and returns the resulting tree. */
export function run(schematic: string, options: object, tree: Tree = workspace()): Promise<UnitTestTree> {
  return testRunner().runSchematic(schematic, options, tree);
}

/** The files of `tree` that were not in `before`, sorted. */
export function newFiles(tree: UnitTestTree, before: readonly string[] = ['/src/app.module.ts']): string[] {
  return tree.files.filter((f) => !before.includes(f)).sort();
}
