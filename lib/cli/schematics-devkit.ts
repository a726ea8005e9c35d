import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../../schematics/utils/package-root';
import { CliFailure } from './cli-failure';
import { ExitCode } from './exit-code';
import type * as SchematicsRunner from './schematics-runner';

/**
 * The packages the schematics run on. They are optional peer dependencies of acton-ts, not
 * runtime dependencies: an app that only calls `bootstrap()` (and `acton call/ping/stream`)
 * never installs nor loads a TypeScript compiler or the Angular devkit. `acton generate` uses
 * the project's own copies (a project made by `acton new` lists them as devDependencies);
 * `acton new`, which runs before any project exists, installs them once into a cache folder.
 */
export const SCHEMATICS_PEERS = ['@angular-devkit/core', '@angular-devkit/schematics', 'typescript'] as const;

/** Set in the environment of the re-run `acton new`, so it never provisions twice. */
const PROVISIONED_ENV = 'ACTON_SCHEMATICS_PROVISIONED';

/** The peers that `require` cannot find from acton-ts's own folder (nor `$NODE_PATH`). */
export function missingSchematicsPeers(): string[] {
  const from = packageRoot(__dirname);
  return SCHEMATICS_PEERS.filter((name) => {
    try {
      require.resolve(`${name}/package.json`, { paths: [from] });
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * The schematics runner, loaded only now (it imports the devkit).
 * @param command the command that needs it, for the error message (`acton generate`)
 * @throws CliFailure (usage, exit 2) naming the missing packages and the command that installs them
 */
export async function loadSchematicsRunner(command: string): Promise<typeof SchematicsRunner> {
  const missing = missingSchematicsPeers();
  if (missing.length > 0) {
    throw new CliFailure(
      ExitCode.USAGE,
      `${command} needs ${missing.join(', ')}, which this project does not install`,
      [
        `install them as dev dependencies (acton new does this for new projects): npm install --save-dev ${peerSpecs(missing)}`,
      ],
    );
  }
  return import('./schematics-runner');
}

/**
 * For `acton new` started without the peers (e.g. `npx acton-ts new demo`): installs them into
 * `$XDG_CACHE_HOME/acton-ts/schematics-<version>` (once; later runs reuse it), then runs the same
 * command again in a child process that finds them through `NODE_PATH`, and returns its exit
 * status. Returns `undefined` when the peers are present and the caller should simply go on.
 * @param argv as `process.argv`
 * @param log receives the progress line
 * @throws CliFailure (exit 5) when the install fails, with the command to run by hand
 */
export async function rerunWithProvisionedPeers(
  argv: readonly string[],
  log: (line: string) => void,
): Promise<number | undefined> {
  if (missingSchematicsPeers().length === 0) return undefined;
  if (process.env[PROVISIONED_ENV]) return undefined; // loadSchematicsRunner reports what is still missing
  const dir = join(
    process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
    'acton-ts',
    `schematics-${ownManifest().version}`,
  );
  if (!existsSync(join(dir, 'node_modules', 'typescript', 'package.json'))) {
    log(`Installing the code generator (${SCHEMATICS_PEERS.join(', ')}) once into ${dir} ...`);
    mkdirSync(dir, { recursive: true });
    const dependencies = Object.fromEntries(SCHEMATICS_PEERS.map((name) => [name, peerRange(name)]));
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'acton-ts-schematics-cache', private: true, dependencies }, null, 2)}\n`,
    );
    const status = await runInherited(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error'],
      dir,
      process.env,
    );
    if (status !== 0) {
      throw new CliFailure(
        ExitCode.INSTALL_FAILED,
        `installing the code generator into ${dir} failed (npm exit ${status}); nothing was written`,
        [`fix the cause printed above (network? npm registry?), then run the same acton new command again`],
      );
    }
  }
  const nodePath = [join(dir, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(delimiter);
  return runInherited(process.execPath, argv.slice(1), process.cwd(), {
    ...process.env,
    NODE_PATH: nodePath,
    [PROVISIONED_ENV]: '1',
  });
}

/**
 * Runs `file args` with the terminal's stdout/stderr and resolves its exit status (1 when it
 * could not start, after printing why).
 */
export function runInherited(
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (err) => {
      process.stderr.write(`cannot run ${file}: ${err.message}\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** `@angular-devkit/core@"~21.2.30" typescript@"~5.9.3"`: the install arguments of `names`. */
function peerSpecs(names: readonly string[]): string {
  return names.map((name) => `${name}@"${peerRange(name)}"`).join(' ');
}

function peerRange(name: string): string {
  return ownManifest().peerDependencies?.[name] ?? 'latest';
}

function ownManifest(): { version: string; peerDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(join(packageRoot(__dirname), 'package.json'), 'utf8'));
}
