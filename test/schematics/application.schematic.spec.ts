jest.mock('ora', () => require('./support/ora-stub').oraStub);
import { Tree } from '@angular-devkit/schematics';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, testRunner } from './support/schematic-runner';
import { REPO_ROOT } from './support/source-collection';

const acton = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

describe('acton new demo (application schematic)', () => {
  it('creates the project files, with the greeter actor made by the actor schematic', async () => {
    const tree = await run('application', { name: 'demo' }, Tree.empty());
    expect([...tree.files].sort()).toEqual([
      '/demo/.gitignore',
      '/demo/README.md',
      '/demo/jest.config.js',
      '/demo/nest-cli.json',
      '/demo/package.json',
      '/demo/src/app.module.ts',
      '/demo/src/greeter/greeter.actor.spec.ts',
      '/demo/src/greeter/greeter.actor.ts',
      '/demo/src/greeter/greeter.messages.ts',
      '/demo/src/main.ts',
      '/demo/tsconfig.build.json',
      '/demo/tsconfig.json',
    ]);
    expect(tree.readText('/demo/src/greeter/greeter.actor.ts')).toContain(
      "@Actor('greeter')\nexport class GreeterActor {",
    );
  });

  it('bootstraps AppModule with IpcModule for the app name and shutdown signals', async () => {
    const tree = await run('application', { name: 'demo' }, Tree.empty());
    expect(tree.readText('/demo/src/app.module.ts')).toBe(`import { IpcModule, Module } from 'acton-ts';
import { GreeterActor } from './greeter/greeter.actor';

/**
 * The root module. \`IpcModule.forRoot\` opens the Unix socket; its path comes from
 * \`ACTON_IPC_SOCKET\`, an \`ipc.toml\`, or the default for the app name 'demo'.
 * \`acton g actor <name>\` adds new actors to \`actors\`.
 */
@Module({
  imports: [IpcModule.forRoot({ socket: { appName: 'demo' } })],
  actors: [GreeterActor],
})
export class AppModule {}
`);
    expect(tree.readText('/demo/src/main.ts')).toBe(`import 'reflect-metadata';
import { bootstrap } from 'acton-ts';
import { AppModule } from './app.module';

/** Starts demo: the actors, then the Unix socket other processes call them on. Ctrl-C drains and stops. */
async function main(): Promise<void> {
  const app = await bootstrap(AppModule, { shutdownSignals: true });
  console.log(\`demo listening on \${app.listener?.socketPath}\`);
  console.log('Press Ctrl-C to stop.');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
`);
  });

  it('writes a package.json depending on this acton-ts version and the libraries the code imports', async () => {
    const tree = await run('application', { name: 'demo' }, Tree.empty());
    expect(JSON.parse(tree.readText('/demo/package.json'))).toEqual({
      name: 'demo',
      version: '0.0.1',
      private: true,
      description: 'demo: acton-ts actors served over a Unix socket',
      scripts: { build: 'tsc -p tsconfig.build.json', start: 'npm run build && node dist/main.js', test: 'jest' },
      dependencies: {
        'acton-ts': `^${acton.version}`,
        'class-validator': acton.dependencies['class-validator'],
        'reflect-metadata': acton.dependencies['reflect-metadata'],
        rxjs: acton.dependencies.rxjs,
      },
      devDependencies: {
        '@angular-devkit/core': acton.peerDependencies['@angular-devkit/core'],
        '@angular-devkit/schematics': acton.peerDependencies['@angular-devkit/schematics'],
        '@types/jest': acton.devDependencies['@types/jest'],
        '@types/node': acton.devDependencies['@types/node'],
        jest: acton.devDependencies.jest,
        'ts-jest': acton.devDependencies['ts-jest'],
        typescript: acton.peerDependencies.typescript,
      },
    });
  });

  it('--acton-path depends on a local acton-ts through file:', async () => {
    const tree = await run('application', { name: 'demo', actonPath: '/opt/acton-ts' }, Tree.empty());
    expect(JSON.parse(tree.readText('/demo/package.json')).dependencies['acton-ts']).toBe('file:/opt/acton-ts');
  });

  it('turns decorators and their metadata on, and resolves package exports (acton-ts/testing)', async () => {
    const tree = await run('application', { name: 'demo' }, Tree.empty());
    const { compilerOptions } = JSON.parse(tree.readText('/demo/tsconfig.json'));
    expect(compilerOptions).toMatchObject({
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      moduleResolution: 'node16',
      strict: true,
      outDir: 'dist',
    });
    expect(tree.readText('/demo/jest.config.js')).toContain("'^.+\\\\.ts$': ['ts-jest'");
    expect(JSON.parse(tree.readText('/demo/nest-cli.json'))).toMatchObject({
      collection: 'acton-ts',
      sourceRoot: 'src',
    });
    expect(tree.readText('/demo/.gitignore')).toContain('node_modules/\ndist/\n');
  });

  it('documents the two commands in the README', async () => {
    const tree = await run('application', { name: 'demo' }, Tree.empty());
    const readme = tree.readText('/demo/README.md');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test ');
  });

  it('schedules npm install in the project folder, unless skipInstall', async () => {
    const runner = testRunner();
    await runner.runSchematic('application', { name: 'demo' }, Tree.empty());
    expect(runner.tasks).toEqual([
      expect.objectContaining({
        name: 'node-package',
        options: expect.objectContaining({ command: 'install', workingDirectory: 'demo', packageManager: 'npm' }),
      }),
    ]);
    const skipping = testRunner();
    await skipping.runSchematic('application', { name: 'demo', skipInstall: true }, Tree.empty());
    expect(skipping.tasks).toEqual([]);
  });

  it('--directory chooses the folder; PascalCase names are dasherized', async () => {
    const tree = await run('application', { name: 'PriceService', directory: 'apps/prices' }, Tree.empty());
    expect(tree.files).toContain('/apps/prices/src/greeter/greeter.actor.ts');
    expect(JSON.parse(tree.readText('/apps/prices/package.json')).name).toBe('price-service');
    expect(tree.readText('/apps/prices/src/app.module.ts')).toContain("appName: 'price-service'");
  });

  it.each([['9 lives!'], ['app!'], ['@scope/app'], ['_private']])('refuses the project name %j', async (name) => {
    await expect(run('application', { name }, Tree.empty())).rejects.toThrow(
      `Invalid project name ${JSON.stringify(name)}: use lowercase letters`,
    );
  });

  it('refuses a folder that already holds a project', async () => {
    const tree = Tree.empty();
    tree.create('/demo/package.json', '{}');
    await expect(run('application', { name: 'demo' }, tree)).rejects.toThrow(
      'demo/package.json already exists: choose another name or --directory',
    );
  });
});
