jest.mock('ora', () => require('./support/ora-stub').oraStub);
import { addActorToModule } from '../../schematics/utils/module-actors';
import { run, workspace } from './support/schematic-runner';

const ENTRY = { className: 'PriceFeedActor', importPath: './price-feed/price-feed.actor' };
const IMPORT = `import { PriceFeedActor } from './price-feed/price-feed.actor';`;

/** The module source after adding PriceFeedActor. */
function add(source: string): string {
  return addActorToModule(source, 'src/app.module.ts', ENTRY);
}

describe('adding an actor to a module (TypeScript AST edit)', () => {
  it('appends to a one-line actors array after the other actors', () => {
    const source = `import { Module } from 'acton-ts';\nimport { KvActor } from './kv/kv.actor';\n\n@Module({ actors: [KvActor, ListActor] })\nexport class AppModule {}\n`;
    expect(add(source)).toBe(
      `import { Module } from 'acton-ts';\nimport { KvActor } from './kv/kv.actor';\n${IMPORT}\n\n@Module({ actors: [KvActor, ListActor, PriceFeedActor] })\nexport class AppModule {}\n`,
    );
  });

  it('appends to a one-actor-per-line array on its own line, keeping the trailing comma and indentation', () => {
    const source = `import { Module } from 'acton-ts';

@Module({
  actors: [
    KvActor,
    ListActor,
  ],
  providers: [Clock],
})
export class AppModule {}
`;
    expect(add(source)).toBe(`import { Module } from 'acton-ts';
${IMPORT}

@Module({
  actors: [
    KvActor,
    ListActor,
    PriceFeedActor,
  ],
  providers: [Clock],
})
export class AppModule {}
`);
  });

  it('appends on a new line to a multi-line array without a trailing comma', () => {
    const source = `@Module({\n  actors: [\n      KvActor\n  ],\n})\nexport class AppModule {}\n`;
    expect(add(source)).toBe(
      `${IMPORT}\n@Module({\n  actors: [\n      KvActor,\n      PriceFeedActor\n  ],\n})\nexport class AppModule {}\n`,
    );
  });

  it('creates actors in a multi-line module without one, after the last key in the same style', () => {
    const source = `import { IpcModule, Module } from 'acton-ts';

@Module({
  imports: [IpcModule.forRoot({ socket: { appName: 'demo' } })],
  providers: [Clock]
})
export class AppModule {}
`;
    expect(add(source)).toBe(`import { IpcModule, Module } from 'acton-ts';
${IMPORT}

@Module({
  imports: [IpcModule.forRoot({ socket: { appName: 'demo' } })],
  providers: [Clock],
  actors: [PriceFeedActor]
})
export class AppModule {}
`);
  });

  it('creates actors in a one-line module without one', () => {
    expect(add(`@Module({ imports: [Other] })\nexport class AppModule {}\n`)).toBe(
      `${IMPORT}\n@Module({ imports: [Other], actors: [PriceFeedActor] })\nexport class AppModule {}\n`,
    );
  });

  it('fills @Module({}) and @Module()', () => {
    expect(add(`@Module({})\nexport class AppModule {}\n`)).toBe(
      `${IMPORT}\n@Module({ actors: [PriceFeedActor] })\nexport class AppModule {}\n`,
    );
    expect(add(`@Module()\nexport class AppModule {}\n`)).toBe(
      `${IMPORT}\n@Module({ actors: [PriceFeedActor] })\nexport class AppModule {}\n`,
    );
  });

  it("adds to an existing import of the same file, and uses the file's double quotes for a new one", () => {
    const sameFile = `import { PriceFeedHelper } from './price-feed/price-feed.actor';\n@Module({ actors: [] })\nexport class AppModule {}\n`;
    expect(add(sameFile)).toBe(
      `import { PriceFeedHelper, PriceFeedActor } from './price-feed/price-feed.actor';\n@Module({ actors: [PriceFeedActor] })\nexport class AppModule {}\n`,
    );
    const doubleQuoted = `import { Module } from "acton-ts";\n@Module({ actors: [] })\nexport class AppModule {}\n`;
    expect(add(doubleQuoted)).toContain(`import { PriceFeedActor } from "./price-feed/price-feed.actor";`);
  });

  it('changes nothing when the actor is already listed and imported', () => {
    const source = `${IMPORT}\n@Module({ actors: [PriceFeedActor] })\nexport class AppModule {}\n`;
    expect(add(source)).toBe(source);
  });

  it('ignores a string that merely mentions the actors key', () => {
    const source = `// actors: [Nope]\nconst note = 'actors: []';\n@Module({ imports: [] })\nexport class AppModule {}\n`;
    expect(add(source)).toBe(
      `${IMPORT}\n// actors: [Nope]\nconst note = 'actors: []';\n@Module({ imports: [], actors: [PriceFeedActor] })\nexport class AppModule {}\n`,
    );
  });

  it('refuses actors that is not an array literal, saying to add the actor by hand with --skip-import', () => {
    expect(() => add(`const ACTORS = [];\n@Module({ actors: ACTORS })\nexport class AppModule {}\n`)).toThrow(
      "Cannot add PriceFeedActor to the module in src/app.module.ts: its actors is not written as a literal ({ ... } / [ ... ]); add PriceFeedActor to the module's actors yourself and pass --skip-import",
    );
    expect(() => add(`@Module(metadata)\nexport class AppModule {}\n`)).toThrow(
      'the @Module(...) argument is not written as a literal',
    );
  });

  it('refuses a file without a @Module class', () => {
    expect(() => add(`export class AppModule {}\n`)).toThrow(
      'src/app.module.ts has no class decorated with @Module(...): pass --module <file> to name the module file, or --skip-import',
    );
  });

  it('refuses a class of the same name imported from elsewhere', () => {
    expect(() => add(`import { PriceFeedActor } from './legacy';\n@Module({})\nexport class AppModule {}\n`)).toThrow(
      "src/app.module.ts already imports PriceFeedActor from './legacy': rename one of them, or add the code by hand",
    );
  });
});

describe('the actor schematic and a module with other actors', () => {
  it('keeps the existing actors and imports', async () => {
    const module = `import { Module } from 'acton-ts';\nimport { KvActor } from './kv/kv.actor';\n\n@Module({\n  actors: [KvActor],\n})\nexport class AppModule {}\n`;
    const tree = await run('actor', { name: 'price-feed' }, workspace({ '/src/app.module.ts': module }));
    expect(tree.readText('/src/app.module.ts')).toBe(
      `import { Module } from 'acton-ts';\nimport { KvActor } from './kv/kv.actor';\n${IMPORT}\n\n@Module({\n  actors: [KvActor, PriceFeedActor],\n})\nexport class AppModule {}\n`,
    );
  });

  it('adds actors to a module that has no actors key', async () => {
    const module = `import { Module } from 'acton-ts';\n\n@Module({\n  providers: [],\n})\nexport class AppModule {}\n`;
    const tree = await run('actor', { name: 'price-feed' }, workspace({ '/src/app.module.ts': module }));
    expect(tree.readText('/src/app.module.ts')).toBe(
      `import { Module } from 'acton-ts';\n${IMPORT}\n\n@Module({\n  providers: [],\n  actors: [PriceFeedActor],\n})\nexport class AppModule {}\n`,
    );
  });
});
