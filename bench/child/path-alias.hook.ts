/**
 * Preloaded (`node -r`) into the bench's transpiled children (and the node processes the tests
 * start, test/support/compiled-node-scripts.ts): resolves the `acton-ts` path
 * aliases of tsconfig.json to the transpiled `lib/` next to this file, as tsconfig-paths does
 * for ts-node. Nothing else is changed.
 */
import { join, resolve } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- patches Module._resolveFilename
import Module = require('node:module');

const OUT_ROOT = resolve(__dirname, '..', '..');
const ALIASES: Record<string, string> = {
  'acton-ts': join(OUT_ROOT, 'lib', 'index.js'),
  'acton-ts/client': join(OUT_ROOT, 'lib', 'client', 'index.js'),
  'acton-ts/testing': join(OUT_ROOT, 'lib', 'testing', 'index.js'),
  'acton-ts/nestjs': join(OUT_ROOT, 'lib', 'nestjs', 'index.js'),
  'acton-ts/observability': join(OUT_ROOT, 'lib', 'observability', 'index.js'),
  'acton-ts/cluster': join(OUT_ROOT, 'lib', 'cluster', 'index.js'),
};

type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const original = loader._resolveFilename;
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return original.call(this, ALIASES[request] ?? request, ...rest);
};
