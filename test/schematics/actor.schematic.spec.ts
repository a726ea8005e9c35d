jest.mock('ora', () => require('./support/ora-stub').oraStub);
import { logging } from '@angular-devkit/core';
import { APP_MODULE, newFiles, run, testRunner, workspace } from './support/schematic-runner';

const ACTOR = `import { Actor, OnMessage } from 'acton-ts';
import { PriceFeedReply, PriceFeedRequest } from './price-feed.messages';

/**
 * The \`price_feed\` actor: one instance per app, which other processes reach over the
 * app's Unix socket as target \`price_feed\`. Handlers marked \`ipc: true\` are callable from
 * other processes; handlers run one at a time unless marked \`readonly: true\`.
 */
@Actor('price_feed')
export class PriceFeedActor {
  /** How many requests this actor has answered; actor state needs no locks. */
  private handled = 0;

  /** Answers a \`PriceFeedRequest\` with its text and how many requests were answered so far. */
  @OnMessage({ ipc: true })
  handle(msg: PriceFeedRequest): PriceFeedReply {
    this.handled += 1;
    return { text: msg.text, count: this.handled };
  }
}
`;

const MESSAGES = `import { IsNotEmpty, IsString } from 'class-validator';
import { Message } from 'acton-ts';

/** What \`price_feed\` answers. */
@Message('PriceFeedReply')
export class PriceFeedReply {
  text!: string;
  /** How many requests the actor has answered, this one included. */
  count!: number;
}

/**
 * A request to the \`price_feed\` actor, answered with a \`PriceFeedReply\`.
 * Payloads are checked with these class-validator decorators before the handler runs.
 */
@Message('PriceFeedRequest', { reply: PriceFeedReply })
export class PriceFeedRequest {
  /** Type-only (emits nothing): typed asks of this message resolve to \`PriceFeedReply\`. */
  declare readonly __reply?: PriceFeedReply;

  @IsString()
  @IsNotEmpty()
  text!: string;
}
`;

const SPEC = `import { Module } from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';
import { PriceFeedActor } from './price-feed.actor';
import { PriceFeedRequest } from './price-feed.messages';

@Module({ actors: [PriceFeedActor] })
class TestModule {}

describe('PriceFeedActor', () => {
  it('answers a PriceFeedRequest', async () => {
    const app = await createTestingApp(TestModule);
    try {
      const reply = await app.ask('price_feed', PriceFeedRequest, { text: 'hello' }); // typed: a PriceFeedReply
      expect(reply).toEqual({ text: 'hello', count: 1 });
    } finally {
      await app.close();
    }
  });

  it('rejects a request that fails validation', async () => {
    const app = await createTestingApp(TestModule);
    try {
      const invalid = app.ask('price_feed', PriceFeedRequest, { text: '' });
      await expect(invalid).rejects.toMatchObject({ code: 'SERIALIZATION_ERROR' });
    } finally {
      await app.close();
    }
  });
});
`;

describe('acton g actor price-feed', () => {
  it('writes "an" before a name that starts with a vowel: an InventoryRequest, an InventoryReply', async () => {
    const tree = await run('actor', { name: 'inventory' });
    expect(tree.readText('/src/inventory/inventory.actor.spec.ts')).toContain("it('answers an InventoryRequest'");
    expect(tree.readText('/src/inventory/inventory.messages.ts')).toContain('answered with an `InventoryReply`.');
  });

  it('creates the actor, its messages and its spec in src/price-feed', async () => {
    const tree = await run('actor', { name: 'price-feed' });
    expect(newFiles(tree)).toEqual([
      '/src/price-feed/price-feed.actor.spec.ts',
      '/src/price-feed/price-feed.actor.ts',
      '/src/price-feed/price-feed.messages.ts',
    ]);
    expect(tree.readText('/src/price-feed/price-feed.actor.ts')).toBe(ACTOR);
    expect(tree.readText('/src/price-feed/price-feed.messages.ts')).toBe(MESSAGES);
    expect(tree.readText('/src/price-feed/price-feed.actor.spec.ts')).toBe(SPEC);
  });

  it('lists the actor in AppModule and imports it, keeping the rest of the file as written', async () => {
    const tree = await run('actor', { name: 'price-feed' });
    expect(tree.readText('/src/app.module.ts')).toBe(`import { IpcModule, Module } from 'acton-ts';
import { PriceFeedActor } from './price-feed/price-feed.actor';

@Module({
  imports: [IpcModule.forRoot({ socket: { appName: 'demo' } })],
  actors: [PriceFeedActor],
})
export class AppModule {}
`);
  });

  it.each([['PriceFeed'], ['price_feed'], ['priceFeed']])('derives the same names from %s', async (name) => {
    const tree = await run('actor', { name });
    expect(tree.readText('/src/price-feed/price-feed.actor.ts')).toBe(ACTOR);
  });
});

describe('actor options', () => {
  it('--flat puts the files directly in the path', async () => {
    const tree = await run('actor', { name: 'price-feed', flat: true });
    expect(newFiles(tree)).toEqual([
      '/src/price-feed.actor.spec.ts',
      '/src/price-feed.actor.ts',
      '/src/price-feed.messages.ts',
    ]);
    expect(tree.readText('/src/app.module.ts')).toContain(`import { PriceFeedActor } from './price-feed.actor';`);
  });

  it('--no-spec (spec: false) leaves the spec out', async () => {
    const tree = await run('actor', { name: 'price-feed', spec: false });
    expect(newFiles(tree)).toEqual(['/src/price-feed/price-feed.actor.ts', '/src/price-feed/price-feed.messages.ts']);
  });

  it('specFileSuffix renames the spec', async () => {
    const tree = await run('actor', { name: 'price-feed', specFileSuffix: 'test' });
    expect(newFiles(tree)).toContain('/src/price-feed/price-feed.actor.test.ts');
    expect(tree.readText('/src/price-feed/price-feed.actor.test.ts')).toBe(SPEC);
  });

  it('--stream makes the handler return an rxjs Observable and the spec read the whole stream', async () => {
    const tree = await run('actor', { name: 'price-feed', stream: true });
    const actor = tree.readText('/src/price-feed/price-feed.actor.ts');
    expect(actor).toContain(`import { from, map, Observable } from 'rxjs';\n`);
    expect(actor).toContain(`  @OnMessage({ ipc: true, readonly: true })
  handle(msg: PriceFeedRequest): Observable<PriceFeedReply> {
    return from(msg.text.split(/\\s+/)).pipe(map((word, index) => ({ text: word, count: index + 1 })));
  }
}
`);
    expect(actor).not.toContain('handled');
    const spec = tree.readText('/src/price-feed/price-feed.actor.spec.ts');
    expect(spec).toContain(`import { lastValueFrom, toArray } from 'rxjs';\n`);
    expect(spec).toContain(`      const replies = await lastValueFrom(
        app.stream('price_feed', Object.assign(new PriceFeedRequest(), { text: 'hello world' })).pipe(toArray()),
      );
      expect(replies).toEqual([
        { text: 'hello', count: 1 },
        { text: 'world', count: 2 },
      ]);
`);
    expect(spec).toContain(`const invalid = app.stream('price_feed'`);
    expect(tree.readText('/src/price-feed/price-feed.messages.ts')).toContain(
      'answered with a stream of `PriceFeedReply`s.',
    );
  });

  it('--path and a folder in the name are relative to the source root; the import path follows', async () => {
    const tree = await run('actor', { name: 'markets/price-feed', path: 'feeds' });
    expect(newFiles(tree)).toContain('/src/feeds/markets/price-feed/price-feed.actor.ts');
    expect(tree.readText('/src/app.module.ts')).toContain(
      `import { PriceFeedActor } from './feeds/markets/price-feed/price-feed.actor';`,
    );
  });

  it('sourceRoot (from nest-cli.json) moves everything', async () => {
    const tree = await run(
      'actor',
      { name: 'price-feed', sourceRoot: 'apps/api/src' },
      workspace({ '/apps/api/src/app.module.ts': APP_MODULE }),
    );
    expect(tree.files).toContain('/apps/api/src/price-feed/price-feed.actor.ts');
    expect(tree.readText('/apps/api/src/app.module.ts')).toContain('actors: [PriceFeedActor]');
  });

  it('adds to the nearest module: the one in a parent folder of the actor, before AppModule', async () => {
    const feeds = `import { Module } from 'acton-ts';\n\n@Module({ actors: [] })\nexport class FeedsModule {}\n`;
    const tree = await run(
      'actor',
      { name: 'price-feed', path: 'feeds' },
      workspace({ '/src/app.module.ts': APP_MODULE, '/src/feeds/feeds.module.ts': feeds }),
    );
    expect(tree.readText('/src/feeds/feeds.module.ts')).toBe(
      `import { Module } from 'acton-ts';\nimport { PriceFeedActor } from './price-feed/price-feed.actor';\n\n@Module({ actors: [PriceFeedActor] })\nexport class FeedsModule {}\n`,
    );
    expect(tree.readText('/src/app.module.ts')).toBe(APP_MODULE);
  });

  it('--module names the module file to update', async () => {
    const other = `import { Module } from 'acton-ts';\n\n@Module({})\nexport class OtherModule {}\n`;
    const tree = await run(
      'actor',
      { name: 'price-feed', module: 'src/other/other.module' },
      workspace({ '/src/app.module.ts': APP_MODULE, '/src/other/other.module.ts': other }),
    );
    expect(tree.readText('/src/other/other.module.ts')).toContain(
      `import { PriceFeedActor } from '../price-feed/price-feed.actor';`,
    );
    expect(tree.readText('/src/other/other.module.ts')).toContain('@Module({ actors: [PriceFeedActor] })');
    expect(tree.readText('/src/app.module.ts')).toBe(APP_MODULE);
  });

  it('--module naming a missing file fails, saying the path is relative to the project root', async () => {
    await expect(run('actor', { name: 'price-feed', module: 'app.module.ts' })).rejects.toThrow(
      '--module app.module.ts: no such file (the path is relative to the project root, e.g. src/app.module.ts)',
    );
  });

  it('--skip-import leaves the modules alone', async () => {
    const tree = await run('actor', { name: 'price-feed', skipImport: true });
    expect(tree.readText('/src/app.module.ts')).toBe(APP_MODULE);
    expect(newFiles(tree)).toHaveLength(3);
  });

  it('warns, and still creates the files, when there is no module to add the actor to', async () => {
    const runner = testRunner();
    const warnings: string[] = [];
    runner.logger.subscribe((entry: logging.LogEntry) => entry.level === 'warn' && warnings.push(entry.message));
    const tree = await runner.runSchematic('actor', { name: 'price-feed' }, workspace({}));
    expect(tree.files).toHaveLength(3);
    expect(warnings).toEqual([
      "No *.module.ts in src/price-feed or above: add PriceFeedActor to a module's actors yourself, or pass --module <file>",
    ]);
  });

  it('accepts the options the Nest CLI passes (nest g -c acton-ts/schematics actor price-feed)', async () => {
    const nestOptions = {
      name: 'price-feed',
      sourceRoot: 'src',
      spec: true,
      flat: false,
      specFileSuffix: 'spec',
      language: 'ts',
      format: false,
      skipImport: false,
      collection: 'acton-ts/schematics',
    };
    const tree = await run('actor', nestOptions);
    expect(tree.readText('/src/price-feed/price-feed.actor.ts')).toBe(ACTOR);
  });
});

describe('actor errors', () => {
  it.each([['9lives'], ['foo bar!'], ['-feed'], ['price.feed'], ['']])(
    'refuses the name %j, saying what a name looks like',
    async (name) => {
      await expect(run('actor', { name })).rejects.toThrow(
        `Invalid actor name ${JSON.stringify(name)}: use letters, digits, '-' or '_', starting with a letter (e.g. price-feed or PriceFeed)`,
      );
    },
  );

  it('refuses to overwrite an existing actor', async () => {
    const tree = await run('actor', { name: 'price-feed' });
    await expect(run('actor', { name: 'price-feed' }, tree)).rejects.toThrow(
      'src/price-feed/price-feed.actor.ts, src/price-feed/price-feed.messages.ts, src/price-feed/price-feed.actor.spec.ts already exist: choose another actor name or --path, or delete the files first',
    );
  });

  it('refuses language js (a Nest CLI setting)', async () => {
    await expect(run('actor', { name: 'price-feed', language: 'js' })).rejects.toThrow(
      'acton-ts schematics generate TypeScript only (got language "js"): set "language": "ts" in nest-cli.json',
    );
  });
});
