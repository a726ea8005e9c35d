import { join } from 'node:path';
import { BenchChild } from './bench-child';

/** Which server: acton-ts (the sample's actors behind IpcModule) or the framework-free baseline. */
export type ServerKind = 'acton-ts' | 'baseline';

/** Longer than any `setInterval` the sample's price feed would use: it must not tick during W4, ms. */
const PRICE_FEED_SILENT_MS = 2_000_000_000;

/**
 * Starts one bench server as a child process on `<dir>/<kind>.sock` (call `ready()` on the
 * result before using it).
 * @param listItems how many items the list service streams (W3)
 * @param nodeOptions extra node flags, e.g. `--cpu-prof`
 */
export function launchServer(kind: ServerKind, jsRoot: string, dir: string, listItems: number, nodeOptions: readonly string[] = []): { server: BenchChild; socketPath: string } {
  const socketPath = join(dir, `${kind}.sock`);
  const env: NodeJS.ProcessEnv =
    kind === 'acton-ts'
      ? {
          ACTON_IPC_SOCKET: socketPath,
          XDG_CONFIG_HOME: join(dir, 'xdg'), // never pick up the user's ipc.toml
          LIST_ITEM_COUNT: String(listItems),
          PRICE_INTERVAL_MS: String(PRICE_FEED_SILENT_MS),
        }
      : { BENCH_SOCKET: socketPath, LIST_ITEM_COUNT: String(listItems) };
  const script = kind === 'acton-ts' ? 'bench/acton-server.ts' : 'bench/baseline-server.ts';
  return { server: new BenchChild(`${kind} server`, jsRoot, script, env, nodeOptions), socketPath };
}
