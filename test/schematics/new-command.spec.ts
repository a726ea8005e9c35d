jest.mock('ora', () => require('./support/ora-stub').oraStub);
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCli } from './support/cli-program';

describe('acton new', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'acton-new-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('new demo --skip-install writes the project, prints each file, then the next commands', async () => {
    const cli = testCli(dir);
    expect(await cli.run('new', 'demo', '--skip-install')).toBe(0);
    const created = cli
      .out()
      .match(/^CREATE \S+ \(\d+ bytes\)$/gm)!
      .map((line) => line.split(' ')[1])
      .sort();
    expect(created).toEqual([
      'demo/.gitignore',
      'demo/README.md',
      'demo/jest.config.js',
      'demo/nest-cli.json',
      'demo/package.json',
      'demo/src/app.module.ts',
      'demo/src/greeter/greeter.actor.spec.ts',
      'demo/src/greeter/greeter.actor.ts',
      'demo/src/greeter/greeter.messages.ts',
      'demo/src/main.ts',
      'demo/tsconfig.build.json',
      'demo/tsconfig.json',
    ]);
    for (const file of created) expect(existsSync(join(dir, file))).toBe(true);
    expect(cli.out()).toContain('\nNext:\n  cd demo\n  npm install\n  npm start ');
    expect(readFileSync(join(dir, 'demo/src/app.module.ts'), 'utf8')).toContain('actors: [GreeterActor]');
  });

  it('--acton-path is resolved against the current folder into a file: dependency', async () => {
    mkdirSync(join(dir, 'checkout'));
    const cli = testCli(dir);
    expect(await cli.run('new', 'demo', '--skip-install', '--acton-path', 'checkout')).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'demo/package.json'), 'utf8'));
    expect(pkg.dependencies['acton-ts']).toBe(`file:${join(dir, 'checkout')}`);
  });

  it('--dry-run lists the files and writes nothing', async () => {
    const cli = testCli(dir);
    expect(await cli.run('new', 'demo', '--dry-run')).toBe(0);
    expect(cli.out()).toContain('CREATE demo/package.json (');
    expect(cli.out()).toMatch(/Dry run: no files were written.\n$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--acton-path that does not exist fails with exit code 2, says what to give, and writes nothing', async () => {
    const cli = testCli(dir);
    expect(await cli.run('new', 'demo', '--acton-path', 'nowhere/acton-ts-0.1.0.tgz')).toBe(2);
    expect(cli.err()).toContain(
      `error: --acton-path ${join(dir, 'nowhere/acton-ts-0.1.0.tgz')} does not exist; nothing was written`,
    );
    expect(cli.err()).toContain('hint: give the folder of an acton-ts clone');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an invalid name fails with exit code 2 and writes nothing', async () => {
    const cli = testCli(dir);
    expect(await cli.run('new', 'my app!', '--skip-install')).toBe(2);
    expect(cli.err()).toContain('error: Invalid project name "my app!"');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a file in the way fails, names it, and writes nothing', async () => {
    mkdirSync(join(dir, 'demo'));
    writeFileSync(join(dir, 'demo/README.md'), 'mine\n');
    const cli = testCli(dir);
    expect(await cli.run('new', 'demo', '--skip-install')).toBe(2);
    expect(cli.err()).toBe(
      'error: The application schematic wrote nothing: demo/README.md already exists (delete or rename it, or choose another name or --directory)\n',
    );
    expect(readdirSync(join(dir, 'demo'))).toEqual(['README.md']);
  });
});
