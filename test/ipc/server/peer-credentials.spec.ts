import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerCredentialsReader } from '../../../lib/ipc/server/peer-credentials';

describe('peer credentials of a real child process (docs/protocol.md §5.8)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'acton-peer-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads uid, gid and the pid of the process that connected', async () => {
    const reader = peerCredentialsReader();
    expect(reader.unavailableReason).toBeUndefined();
    const socketPath = join(dir, 'peer.sock');
    const accepted = new Promise<Socket>((resolve) => {
      const server = createServer((socket) => {
        server.close();
        resolve(socket);
      });
      server.listen(socketPath);
    });
    const child = spawn(process.execPath, [
      '-e',
      `require('net').connect(${JSON.stringify(socketPath)}).on('close', () => process.exit(0))`,
    ]);
    try {
      const socket = await accepted;
      const peer = reader.read(socket);
      expect(peer).toEqual({ uid: process.getuid!(), gid: process.getgid!(), pid: child.pid });
      socket.destroy();
    } finally {
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    }
  });

  it('still works when the module is evaluated a second time in the same process (two copies of acton-ts)', () => {
    jest.isolateModules(() => {
      const again =
        require('../../../lib/ipc/server/peer-credentials') as typeof import('../../../lib/ipc/server/peer-credentials');
      expect(again.peerCredentialsReader().unavailableReason).toBeUndefined();
    });
  });

  it('gives nothing (and does not throw) for a socket without a descriptor', () => {
    expect(peerCredentialsReader().read(new Socket())).toBeUndefined();
  });
});
