import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActorError } from '../../lib/core/errors/actor-error';
import { resolveIpcConfig } from '../../lib/ipc/config/resolve-ipc-config';
import { effectivePolicy } from '../../lib/ipc/security/configured-policy';
import { admitConnection, authorizeOperation } from '../../lib/ipc/security/policy-decision';
import { allowListPolicy, sameUidPolicy } from '../../lib/ipc/security/ready-policies';

const quiet = { logger: { warn: () => undefined } };

describe('[security] in ipc.toml and the ready-made policies (docs/protocol.md §11.2)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'acton-sec-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function configFrom(toml: string) {
    const file = join(dir, `ipc-${Math.random()}.toml`);
    writeFileSync(file, toml);
    return resolveIpcConfig({ configFile: file, socket: { appName: 'sec' } }, {}, quiet);
  }

  it('defaults to no policy', () => {
    const config = configFrom('');
    expect(config.security).toEqual({ policy: 'none', allowedUids: [], allowedGids: [] });
    expect(effectivePolicy(undefined, config.security)).toBeUndefined();
  });

  it('reads an allow-list and builds the policy from it', async () => {
    const config = configFrom('[security]\npolicy = "allow_list"\nallowed_uids = [1000, 1001]\nallowed_gids = [50]\n');
    expect(config.security).toEqual({ policy: 'allow_list', allowedUids: [1000, 1001], allowedGids: [50] });
    const policy = effectivePolicy(undefined, config.security)!;
    expect(await admitConnection(policy, { connectionId: 'ipc-1', peer: { uid: 1001, gid: 7 } }, 0)).toEqual({
      outcome: 'allow',
      identity: { uid: 1001, gid: 7 },
    });
    expect(await admitConnection(policy, { connectionId: 'ipc-2', peer: { uid: 5, gid: 50 } }, 0)).toMatchObject({
      outcome: 'allow',
    });
    expect(await admitConnection(policy, { connectionId: 'ipc-3', peer: { uid: 5, gid: 6, pid: 9 } }, 0)).toEqual({
      outcome: 'deny',
      reason: 'peer uid 5 / gid 6 is not on the allow-list (uids [1000, 1001], gids [50])',
    });
  });

  it('names the key, the file and what is allowed for a bad value', () => {
    expect(() => configFrom('[security]\npolicy = "sameuid"\n')).toThrow(
      /security\.policy \(set in .*ipc-.*\.toml\) is "sameuid", but it must be "none", "same_uid"/,
    );
    expect(() => configFrom('[security]\nallowed_uids = [-1]\n')).toThrow(
      /security\.allowed_uids .* must be an array of uids/,
    );
    expect(() =>
      resolveIpcConfig({ socket: { appName: 'x' }, security: { policy: 'nope' as never } }, {}, quiet),
    ).toThrow(/security\.policy \(set in IpcModule\.forRoot\(\)\)/);
  });

  it('a policy given in code beats the file', () => {
    const mine = { admit: () => 'me' };
    expect(effectivePolicy(mine, { policy: 'same_uid', allowedUids: [], allowedGids: [] })).toBe(mine);
  });

  it('same uid: admits the server uid, refuses another and a peer without credentials', async () => {
    const policy = sameUidPolicy(1000);
    expect(await admitConnection(policy, { connectionId: 'ipc-1', peer: { uid: 1000, gid: 1 } }, 0)).toMatchObject({
      outcome: 'allow',
    });
    expect(await admitConnection(policy, { connectionId: 'ipc-1', peer: { uid: 0, gid: 0 } }, 0)).toEqual({
      outcome: 'deny',
      reason: "peer uid 0 is not the server's uid 1000",
    });
    expect(await admitConnection(policy, { connectionId: 'ipc-1' }, 0)).toMatchObject({
      outcome: 'deny',
      reason: expect.stringContaining('unavailable'),
    });
    expect(
      await admitConnection(allowListPolicy({}), { connectionId: 'ipc-1', peer: { uid: 0, gid: 0 } }, 0),
    ).toMatchObject({ outcome: 'deny' });
  });

  it('admission: times out, fails when the policy throws something else, takes a returned denial', async () => {
    const never = { admit: () => new Promise<never>(() => undefined) };
    expect(await admitConnection(never, { connectionId: 'ipc-1' }, 30)).toEqual({
      outcome: 'deny',
      reason: 'Connection admission timed out',
    });
    const broken = new Error('db down');
    expect(await admitConnection({ admit: () => Promise.reject(broken) }, { connectionId: 'ipc-1' }, 0)).toEqual({
      outcome: 'fail',
      error: broken,
    });
    const returned = { admit: () => new ActorError('ACCESS_DENIED', 'go away') };
    expect(await admitConnection(returned, { connectionId: 'ipc-1' }, 0)).toEqual({
      outcome: 'deny',
      reason: 'go away',
    });
  });

  it('authorization verdicts: nothing/true allow, false and ACCESS_DENIED deny, other throws fail; sync stays sync', async () => {
    const ctx = { connectionId: 'ipc-1', identity: 'me' };
    const op = { kind: 'discover' } as const;
    expect(authorizeOperation({ admit: () => 1 }, ctx, op)).toEqual({ outcome: 'allow' });
    expect(authorizeOperation({ admit: () => 1, authorize: () => undefined }, ctx, op)).toEqual({ outcome: 'allow' });
    expect(authorizeOperation({ admit: () => 1, authorize: () => false }, ctx, op)).toEqual({
      outcome: 'deny',
      reason: 'Operation not permitted by the security policy',
    });
    expect(
      authorizeOperation(
        {
          admit: () => 1,
          authorize: () => {
            throw new ActorError('ACCESS_DENIED', 'no discover');
          },
        },
        ctx,
        op,
      ),
    ).toEqual({
      outcome: 'deny',
      reason: 'no discover',
    });
    expect(
      authorizeOperation(
        {
          admit: () => 1,
          authorize: () => {
            throw new TypeError('bug');
          },
        },
        ctx,
        op,
      ),
    ).toMatchObject({ outcome: 'fail' });
    await expect(authorizeOperation({ admit: () => 1, authorize: async () => false }, ctx, op)).resolves.toMatchObject({
      outcome: 'deny',
    });
  });
});
