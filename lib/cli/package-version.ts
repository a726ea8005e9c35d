import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The acton-ts version from the nearest `package.json` named `acton-ts` above `from` (works from
 * `lib/cli` under ts-node and from `dist/lib/cli` once built); `0.0.0` when none is found.
 */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from, depth = 0; depth < 6; dir = dirname(dir), depth++) {
    const candidate = join(dir, 'package.json');
    if (!existsSync(candidate)) continue;
    try {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'acton-ts' && manifest.version) return manifest.version;
    } catch {
      // unreadable manifest: keep looking further up
    }
  }
  return '0.0.0';
}
