jest.mock('ora', () => require('./support/ora-stub').oraStub);
import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { run, workspace } from './support/schematic-runner';

const MESSAGES_PATH = '/src/price-feed/price-feed.messages.ts';

/** A workspace after `acton g actor price-feed`. */
function withActor(): Promise<UnitTestTree> {
  return run('actor', { name: 'price-feed' });
}

const APPENDED = `
/** What a \`PriceQuote\` is answered with. */
@Message('PriceQuoteReply')
export class PriceQuoteReply {
  text!: string;
}

/**
 * The \`PriceQuote\` message, answered with a \`PriceQuoteReply\`.
 * Payloads are checked with these class-validator decorators before a handler runs.
 */
@Message('PriceQuote', { reply: PriceQuoteReply })
export class PriceQuote {
  /** Type-only (emits nothing): typed asks of this message resolve to \`PriceQuoteReply\`. */
  declare readonly __reply?: PriceQuoteReply;

  @IsString()
  @IsNotEmpty()
  text!: string;
}
`;

describe('acton g message price-quote --actor price-feed', () => {
  it("appends the reply class, then the message declaring it, to the actor's messages file", async () => {
    const before = await withActor();
    const original = before.readText(MESSAGES_PATH);
    const tree = await run('message', { name: 'price-quote', actor: 'price-feed' }, before);
    expect(tree.readText(MESSAGES_PATH)).toBe(original + APPENDED);
    expect(tree.files).toEqual(before.files);
  });

  it('takes PascalCase names too', async () => {
    const tree = await run('message', { name: 'PriceQuote', actor: 'PriceFeed' }, await withActor());
    expect(tree.readText(MESSAGES_PATH)).toContain(
      "@Message('PriceQuote', { reply: PriceQuoteReply })\nexport class PriceQuote {",
    );
  });

  it('--no-reply (reply: false) appends the message alone', async () => {
    const tree = await run('message', { name: 'price-tick', actor: 'price-feed', reply: false }, await withActor());
    const text = tree.readText(MESSAGES_PATH);
    expect(
      text.endsWith(`
/**
 * The \`PriceTick\` message.
 * Payloads are checked with these class-validator decorators before a handler runs.
 */
@Message('PriceTick')
export class PriceTick {
  @IsString()
  @IsNotEmpty()
  text!: string;
}
`),
    ).toBe(true);
    expect(text).not.toContain('PriceTickReply');
  });

  it('without --actor, uses the one *.messages.ts of --path', async () => {
    const tree = await run('message', { name: 'price-quote', path: 'price-feed' }, await withActor());
    expect(tree.readText(MESSAGES_PATH)).toContain('export class PriceQuote {');
  });

  it('adds the imports a hand-written messages file lacks, to its existing imports', async () => {
    const source = `import { IsInt } from 'class-validator';\n\nexport class Legacy {\n  @IsInt() n!: number;\n}\n`;
    const tree = await run(
      'message',
      { name: 'price-quote', actor: 'quotes' },
      workspace({ '/src/quotes/quotes.messages.ts': source }),
    );
    expect(tree.readText('/src/quotes/quotes.messages.ts')).toBe(
      `import { IsInt, IsNotEmpty, IsString } from 'class-validator';\nimport { Message } from 'acton-ts';\n\nexport class Legacy {\n  @IsInt() n!: number;\n}\n${APPENDED}`,
    );
  });

  it('writes imports before the classes in an empty messages file', async () => {
    const tree = await run(
      'message',
      { name: 'price-quote', actor: 'quotes', reply: false },
      workspace({ '/src/quotes/quotes.messages.ts': '' }),
    );
    expect(tree.readText('/src/quotes/quotes.messages.ts')).toMatch(
      /^import \{ Message \} from 'acton-ts';\nimport \{ IsNotEmpty, IsString \} from 'class-validator';\n\n\/\*\*/,
    );
  });
});

describe('message errors', () => {
  it("needs the actor's messages file to exist", async () => {
    await expect(run('message', { name: 'price-quote', actor: 'price-feed' })).rejects.toThrow(
      'src/price-feed/price-feed.messages.ts does not exist: generate the actor first (acton g actor price-feed), or check --actor / --path / --flat',
    );
  });

  it('asks for --actor when the folder holds no messages file, or several', async () => {
    await expect(run('message', { name: 'price-quote' })).rejects.toThrow(
      'src holds no *.messages.ts: name the actor whose messages file to use with --actor <name>',
    );
    const two = workspace({ '/src/a.messages.ts': '', '/src/b.messages.ts': '' });
    await expect(run('message', { name: 'price-quote' }, two)).rejects.toThrow(
      'src holds 2 *.messages.ts files (a.messages.ts, b.messages.ts): name the actor whose messages file to use with --actor <name>',
    );
  });

  it('refuses a class name the file already declares', async () => {
    await expect(
      run('message', { name: 'price-feed-request', actor: 'price-feed' }, await withActor()),
    ).rejects.toThrow(
      'src/price-feed/price-feed.messages.ts already declares PriceFeedRequest: choose another message name',
    );
  });

  it.each([['9lives'], ['price quote!']])('refuses the name %j', async (name) => {
    await expect(run('message', { name, actor: 'price-feed' }, await withActor())).rejects.toThrow(
      `Invalid message name ${JSON.stringify(name)}`,
    );
  });
});
