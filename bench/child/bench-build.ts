import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';

/** Folders (relative to the repository root) whose TypeScript the bench's children run. */
const SOURCE_DIRS = ['lib', 'sample', 'bench'];

/**
 * Transpiles `lib/`, `sample/` and `bench/` to JavaScript under
 * `node_modules/.cache/acton-bench/<pid>/` (inside the repository, so `node_modules` still
 * resolves; one folder per run, so concurrent runs do not clash; `removeBenchJs` deletes it), with
 * the repository's compiler options (decorators and their metadata included).
 *
 * Why: the bench's children must not run under ts-node, whose in-process TypeScript compiler
 * would add ~100 MB to every peak RSS and cost start-up time. Transpile-only, like
 * `npm run bench` itself; type errors are `npm run typecheck`'s job.
 * @returns the output root; `<root>/bench/x.js` is `bench/x.ts`
 * @throws Error naming the file when one does not transpile
 */
export function buildBenchJs(repoRoot: string): string {
  const outRoot = join(repoRoot, 'node_modules', '.cache', 'acton-bench', String(process.pid));
  rmSync(outRoot, { recursive: true, force: true });
  transpileTree(repoRoot, SOURCE_DIRS, outRoot);
  return outRoot;
}

/**
 * Transpiles the TypeScript of `sources` (folders or files, relative to `repoRoot`) to
 * `outRoot`, keeping their paths (`<outRoot>/lib/x.js` is `lib/x.ts`), with the repository's
 * compiler options. Preload `<outRoot>/bench/child/path-alias.hook.js` (when transpiled) for the
 * `acton-ts` imports.
 * @throws Error naming the file when one does not transpile
 */
export function transpileTree(repoRoot: string, sources: readonly string[], outRoot: string): void {
  const options = compilerOptions(repoRoot);
  for (const source of sources) {
    const path = join(repoRoot, source);
    for (const file of statSync(path).isDirectory() ? typeScriptFiles(path) : [path]) {
      const output = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: options,
        fileName: file,
        reportDiagnostics: true,
      });
      const errors = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
      if (errors.length > 0)
        throw new Error(
          `cannot transpile ${relative(repoRoot, file)}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, ' ')}`,
        );
      const target = join(outRoot, relative(repoRoot, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, output.outputText);
    }
  }
}

/** Every `.ts` file (not `.d.ts`) under `dir`, recursively. */
export function typeScriptFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...typeScriptFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** Deletes what `buildBenchJs` wrote. */
export function removeBenchJs(outRoot: string): void {
  if (outRoot) rmSync(outRoot, { recursive: true, force: true });
}

function compilerOptions(repoRoot: string): ts.CompilerOptions {
  const configPath = join(repoRoot, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error)
    throw new Error(`cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(config.error.messageText, ' ')}`);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  return {
    ...parsed.options,
    sourceMap: false,
    inlineSourceMap: false,
    declaration: false,
    noEmit: false,
    isolatedModules: true,
  };
}
