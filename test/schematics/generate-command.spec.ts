jest.mock('ora', () => require('./support/ora-stub').oraStub);
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCli } from './support/cli-program';
import { APP_MODULE } from './support/schematic-runner';

/** A project folder on disk holding src/app.module.ts. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'acton-g-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'app.module.ts'), APP_MODULE);
  return dir;
}

/** Every file under `dir`, relative, sorted. */
function filesIn(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesIn(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}

describe('acton generate', () => {
  let dir: string;
  beforeEach(() => (dir = project()));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('g actor price-feed writes the files and prints a CREATE / UPDATE line for each, like nest g', async () => {
    const cli = testCli(dir);
    expect(await cli.run('g', 'actor', 'price-feed')).toBe(0);
    expect(filesIn(dir)).toEqual([
      'src/app.module.ts',
      'src/price-feed/price-feed.actor.spec.ts',
      'src/price-feed/price-feed.actor.ts',
      'src/price-feed/price-feed.messages.ts',
    ]);
    const size = (f: string) => readFileSync(join(dir, f)).length;
    expect(cli.out()).toBe(
      [
        `CREATE src/price-feed/price-feed.actor.spec.ts (${size('src/price-feed/price-feed.actor.spec.ts')} bytes)`,
        `CREATE src/price-feed/price-feed.actor.ts (${size('src/price-feed/price-feed.actor.ts')} bytes)`,
        `CREATE src/price-feed/price-feed.messages.ts (${size('src/price-feed/price-feed.messages.ts')} bytes)`,
        `UPDATE src/app.module.ts (${size('src/app.module.ts')} bytes)`,
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(dir, 'src/app.module.ts'), 'utf8')).toContain('actors: [PriceFeedActor]');
  });

  it('--dry-run prints the same lines, says nothing was written, and writes nothing', async () => {
    const cli = testCli(dir);
    expect(await cli.run('generate', 'a', 'price-feed', '--dry-run')).toBe(0);
    expect(cli.out()).toMatch(/^CREATE src\/price-feed\/price-feed.actor.spec.ts \(\d+ bytes\)\n/);
    expect(cli.out()).toMatch(/UPDATE src\/app.module.ts \(\d+ bytes\)\nDry run: no files were written.\n$/);
    expect(filesIn(dir)).toEqual(['src/app.module.ts']);
    expect(readFileSync(join(dir, 'src/app.module.ts'), 'utf8')).toBe(APP_MODULE);
  });

  it('passes the options given: --flat --no-spec --stream --skip-import', async () => {
    const cli = testCli(dir);
    expect(await cli.run('g', 'actor', 'ticker', '--flat', '--no-spec', '--stream', '--skip-import')).toBe(0);
    expect(filesIn(dir)).toEqual(['src/app.module.ts', 'src/ticker.actor.ts', 'src/ticker.messages.ts']);
    expect(readFileSync(join(dir, 'src/ticker.actor.ts'), 'utf8')).toContain('Observable<TickerReply>');
    expect(readFileSync(join(dir, 'src/app.module.ts'), 'utf8')).toBe(APP_MODULE);
  });

  it('g message price-quote --actor price-feed --no-reply updates the messages file', async () => {
    const cli = testCli(dir);
    await cli.run('g', 'actor', 'price-feed');
    expect(await cli.run('g', 'm', 'price-quote', '--actor', 'price-feed', '--no-reply')).toBe(0);
    expect(cli.out()).toMatch(/UPDATE src\/price-feed\/price-feed.messages.ts \(\d+ bytes\)\n$/);
    const messages = readFileSync(join(dir, 'src/price-feed/price-feed.messages.ts'), 'utf8');
    expect(messages).toContain("@Message('PriceQuote')\nexport class PriceQuote {");
    expect(messages).not.toContain('PriceQuoteReply');
  });

  it('an unknown schematic fails (exit 2, usage error) listing the available ones', async () => {
    const cli = testCli(dir);
    expect(await cli.run('g', 'controller', 'price-feed')).toBe(2);
    expect(cli.err()).toBe(
      "error: Unknown schematic 'controller'. Available schematics: application (app, new), actor (a), message (m, msg)\n",
    );
    expect(filesIn(dir)).toEqual(['src/app.module.ts']);
  });

  it('an option the schematic does not take fails, listing the ones it does', async () => {
    const cli = testCli(dir);
    expect(await cli.run('g', 'message', 'price-quote', '--stream')).toBe(2);
    expect(cli.err()).toBe(
      'error: --stream: not an option of the message schematic (its options: --path, --source-root, --flat, --spec, --spec-file-suffix, --skip-import, --actor, --reply)\n',
    );
  });

  it('an invalid name fails with exit code 2 and writes nothing', async () => {
    const cli = testCli(dir);
    expect(await cli.run('g', 'actor', '9lives')).toBe(2);
    expect(cli.err()).toBe(
      "error: Invalid actor name \"9lives\": use letters, digits, '-' or '_', starting with a letter (e.g. price-feed or PriceFeed)\n",
    );
    expect(cli.out()).toBe('');
    expect(filesIn(dir)).toEqual(['src/app.module.ts']);
  });

  it('a file in the way fails, names it, and writes nothing (not even the other files)', async () => {
    mkdirSync(join(dir, 'src/price-feed'));
    writeFileSync(join(dir, 'src/price-feed/price-feed.messages.ts'), '// mine\n');
    const cli = testCli(dir);
    expect(await cli.run('g', 'actor', 'price-feed')).toBe(2);
    expect(cli.err()).toBe(
      'error: src/price-feed/price-feed.messages.ts already exists: choose another actor name or --path, or delete the file first\n',
    );
    expect(cli.out()).toBe('');
    expect(filesIn(dir)).toEqual(['src/app.module.ts', 'src/price-feed/price-feed.messages.ts']);
    expect(readFileSync(join(dir, 'src/app.module.ts'), 'utf8')).toBe(APP_MODULE);
  });

  it("prints the schematic's warnings on stderr", async () => {
    rmSync(join(dir, 'src/app.module.ts'));
    const cli = testCli(dir);
    expect(await cli.run('g', 'actor', 'price-feed')).toBe(0);
    expect(cli.err()).toBe(
      "WARN No *.module.ts in src/price-feed or above: add PriceFeedActor to a module's actors yourself, or pass --module <file>\n",
    );
    expect(existsSync(join(dir, 'src/price-feed/price-feed.actor.ts'))).toBe(true);
  });
});
