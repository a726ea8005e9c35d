jest.mock('ora', () => require('./support/ora-stub').oraStub);
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkflow } from '@angular-devkit/schematics/tools';
import { COLLECTION_PATH, REPO_ROOT, shippedCollection, sourceFactory } from './support/source-collection';

/**
 * The shipped collection.json points at the compiled factories (`npm run build` compiles
 * schematics/ into dist/schematics/) and at the schemas in schematics/; the tests run the same
 * entries from source, so here we check that mapping is right.
 */
describe('schematics/collection.json', () => {
  const { schematics } = shippedCollection();

  it('offers application, actor and message, with aliases', () => {
    expect(Object.keys(schematics).sort()).toEqual(['actor', 'application', 'message']);
    expect(schematics.actor!.aliases).toEqual(['a']);
    expect(schematics.message!.aliases).toEqual(['m', 'msg']);
    expect(schematics.application!.aliases).toEqual(['app', 'new']);
  });

  it.each(['application', 'actor', 'message'])(
    '%s: the factory is what tsc emits for an exported function of its source',
    (name) => {
      const entry = schematics[name]!;
      expect(entry.factory).toMatch(/^\.\.\/dist\/schematics\/[a-z-]+\/[a-z.-]+#[a-z]+$/);
      const { file, exportName } = sourceFactory(entry.factory);
      expect(existsSync(file)).toBe(true);
      expect(typeof require(file)[exportName]).toBe('function');
    },
  );

  it.each(['application', 'actor', 'message'])(
    '%s: the schema exists, requires name, and accepts what the Nest CLI passes',
    (name) => {
      const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schematics', schematics[name]!.schema), 'utf8'));
      expect(schema.required).toEqual(['name']);
      expect(schema.additionalProperties).toBeUndefined();
      expect(Object.keys(schema.properties)).toContain('language');
    },
  );

  it('the build compiles schematics/ (tsconfig.build.json) and leaves the templates out', () => {
    const build = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8'));
    expect(build.include).toContain('schematics');
    expect(build.compilerOptions.rootDir).toBe('.');
    expect(build.exclude).toContain('schematics/**/files/**');
  });

  it('is what a project with acton-ts installed resolves for the collection "acton-ts" (nest g -c acton-ts, nest-cli.json)', () => {
    const project = mkdtempSync(join(tmpdir(), 'acton-collection-'));
    try {
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(REPO_ROOT, join(project, 'node_modules', 'acton-ts'), 'dir');
      const collection = new NodeWorkflow(project, { resolvePaths: [project] }).engine.createCollection('acton-ts');
      // Through the link's package.json "schematics" field (jest reports the real path).
      expect(collection.description.path).toBe(COLLECTION_PATH);
      expect(collection.listSchematicNames().sort()).toEqual(['actor', 'application', 'message']);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
