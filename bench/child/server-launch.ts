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
 * @param variant another configuration of the same server (its own socket name and extra environment)
 */
export function launchServer(
  kind: ServerKind,
  jsRoot: string,
  dir: string,
  listItems: number,
  nodeOptions: readonly string[] = [],
  variant?: { readonly name: string; readonly env: NodeJS.ProcessEnv },
): { server: BenchChild; socketPath: string } {
  const socketPath = join(dir, `${variant ? `${kind}-${variant.name}` : kind}.sock`);
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
  const label = `${kind} server${variant ? ` (${variant.name})` : ''}`;
  return { server: new BenchChild(label, jsRoot, script, { ...env, ...variant?.env }, nodeOptions), socketPath };
}
