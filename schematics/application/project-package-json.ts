import { SchematicsException } from '@angular-devkit/schematics';
import { ActonPackageJson } from '../utils/package-root';

/** The runtime dependencies a new project declares (their ranges are acton-ts's own). */
const RUNTIME = ['class-validator', 'reflect-metadata', 'rxjs'] as const;
/**
 * The dev dependencies a new project declares (ranges from acton-ts's own dependency lists):
 * its test and build tools, and the schematics' optional peers, so `acton g` works in it.
 */
const DEV = [
  '@angular-devkit/core',
  '@angular-devkit/schematics',
  '@types/jest',
  '@types/node',
  'jest',
  'ts-jest',
  'typescript',
] as const;

/**
 * The package.json of a new project: scripts `build`, `start` (build, then run) and `test`;
 * `acton-ts` at `^<our version>` (or `file:<actonPath>`), and the libraries the generated code
 * imports at the ranges acton-ts itself uses, so npm installs one copy of each.
 */
export function projectPackageJson(name: string, acton: ActonPackageJson, actonPath?: string): object {
  return {
    name,
    version: '0.0.1',
    private: true,
    description: `${name}: acton-ts actors served over a Unix socket`,
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      start: 'npm run build && node dist/main.js',
      test: 'jest',
    },
    dependencies: sorted({
      'acton-ts': actonPath ? `file:${actonPath}` : `^${acton.version}`,
      ...pick(acton.dependencies, RUNTIME),
    }),
    devDependencies: pick({ ...acton.dependencies, ...acton.peerDependencies, ...acton.devDependencies }, DEV),
  };
}

function pick(ranges: Readonly<Record<string, string>> | undefined, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((dep) => {
      const range = ranges?.[dep];
      if (!range)
        throw new SchematicsException(`acton-ts's package.json lists no version of ${dep}: reinstall acton-ts`);
      return [dep, range];
    }),
  );
}

function sorted(deps: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
}
