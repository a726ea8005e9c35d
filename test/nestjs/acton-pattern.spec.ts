import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseActonPattern } from '../../lib/nestjs/acton-pattern';

const run = promisify(execFile);
const REPO_ROOT = resolve(__dirname, '..', '..');

describe('Nest patterns → acton target + message type', () => {
  it('reads the object form, as written and as Nest normalises it (sorted JSON)', () => {
    expect(parseActonPattern({ actor: 'calculator', type: 'AddRequest' })).toEqual({
      actor: 'calculator',
      type: 'AddRequest',
    });
    expect(parseActonPattern('{"actor":"calculator","kind":"stream","type":"CountRequest"}')).toEqual({
      actor: 'calculator',
      type: 'CountRequest',
      kind: 'stream',
    });
    expect(parseActonPattern({ actor: 'a', type: 'T', kind: 'sideways' })).toEqual({ actor: 'a', type: 'T' });
  });

  it('reads the string form: the actor is the text before the first dot', () => {
    expect(parseActonPattern('calculator.AddRequest')).toEqual({ actor: 'calculator', type: 'AddRequest' });
    expect(parseActonPattern('pricing.v2.Quote')).toEqual({ actor: 'pricing', type: 'v2.Quote' });
  });

  it('rejects what names no actor and type', () => {
    for (const pattern of [
      'sum',
      '.AddRequest',
      'calculator.',
      '{"cmd":"sum"}',
      '{broken',
      { actor: '', type: 'T' },
      { actor: 'a' },
      42,
      null,
    ]) {
      expect(parseActonPattern(pattern)).toBeUndefined();
    }
  });
});

describe('acton-ts/nestjs without NestJS installed', () => {
  it('fails on import with an error naming the missing package and the install command', async () => {
    const hide = join(__dirname, '..', 'support', 'hide-packages.js');
    const failure = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', hide, '-e', "require('./lib/nestjs')"],
      { cwd: REPO_ROOT, timeout: 120_000, env: { ...process.env, ACTON_HIDE_PACKAGES: '@nestjs/' } },
    ).then(
      () => undefined,
      (err: { stderr: string }) => err.stderr,
    );
    expect(failure).toContain(
      'acton-ts/nestjs needs the package @nestjs/microservices (an optional peer dependency of acton-ts)',
    );
    expect(failure).toContain('npm install @nestjs/common @nestjs/core @nestjs/microservices');
  }, 150_000);

  it('leaves the rest of acton-ts loadable (nothing else imports NestJS)', async () => {
    const hide = join(__dirname, '..', 'support', 'hide-packages.js');
    const { stdout } = await run(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        hide,
        '-e',
        "console.log(typeof require('./lib').bootstrap, typeof require('./lib/client').ActonClient)",
      ],
      { cwd: REPO_ROOT, timeout: 120_000, env: { ...process.env, ACTON_HIDE_PACKAGES: '@nestjs/' } },
    );
    expect(stdout.trim()).toBe('function function');
  }, 150_000);
});
