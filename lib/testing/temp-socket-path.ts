import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh Unix socket path inside a new private temporary directory (`<tmp>/acton-ts-XXXXXX/<name>`),
 * so tests never collide with each other or with a real app. The directory is not removed.
 * @param name the socket file's name; default `ipc.sock`
 */
export function tempSocketPath(name = 'ipc.sock'): string {
  return join(mkdtempSync(join(tmpdir(), 'acton-ts-')), name);
}
