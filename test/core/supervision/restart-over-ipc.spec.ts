import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Actor, ActorRestarted, Message, MessageContext, OnMessage } from 'acton-ts';
import { ActonClient, IpcRequestError, Push } from 'acton-ts/client';
import { IpcTestApp, isolateIpcEnvironment, startIpcTestApp } from '../../support/ipc-test-app';
import { eventually } from './fixtures/supervised-actors';

@Message('Deposit')
class Deposit {
  @IsInt() amount!: number;
}

@Message('OpenChildren')
class OpenChildren {}

@Message('Balance')
class Balance {
  balance!: number;
}

/** An IPC-exposed account that fails on negative deposits (a failure: it restarts, balance 0). */
class AccountBase {
  balance = 0;

  @OnMessage({ ipc: true })
  deposit(message: Deposit): Balance {
    if (message.amount < 0) throw new Error(`negative deposit ${message.amount}`);
    this.balance += message.amount;
    return { balance: this.balance };
  }
}

@Actor({ name: 'audit', expose: false })
class AuditActor extends AccountBase {}

@Actor({ name: 'ledger', expose: false })
class LedgerActor extends AccountBase {}

/** Spawns on request one child exposed over IPC (under its full name) and one in-process only. */
@Actor({ name: 'accounts', supervision: { maxRestarts: 1_000, backoff: { minMs: 1, maxMs: 5 } } })
class AccountsActor extends AccountBase {
  @OnMessage({ ipc: true })
  async openChildren(_message: OpenChildren, ctx: MessageContext): Promise<string[]> {
    await ctx.spawn(AuditActor, 'audit', { expose: true });
    await ctx.spawn(LedgerActor, 'ledger');
    return ctx.children().map((child) => child.name);
  }
}

describe('supervision over IPC', () => {
  let restore: () => void;
  let t: IpcTestApp;
  let client: ActonClient;

  beforeAll(async () => {
    restore = isolateIpcEnvironment();
    t = await startIpcTestApp([AccountsActor]);
    client = await ActonClient.connect({ socketPath: t.socketPath }, { reconnect: false });
  });
  afterAll(async () => {
    await client?.close();
    await t?.close();
    restore();
  });

  it('an IPC client calling a restarting actor gets an answer to every call, never a hang', async () => {
    const restarted: Push[] = [];
    const subscription = client.subscribe('ActorRestarted').subscribe((push) => restarted.push(push));
    await client.flush();
    const amounts = Array.from({ length: 300 }, (_, i) => (i % 30 === 29 ? -1 : 1));
    const outcomes = await Promise.all(
      amounts.map((amount) =>
        client.request<Balance>('accounts', 'Deposit', { amount }, { timeoutMs: 10_000 }).then(
          (reply) => ({ ok: true as const, balance: reply.balance }),
          (err: IpcRequestError) => ({ ok: false as const, code: err.code, message: err.message }),
        ),
      ),
    );
    const failures = outcomes.filter((outcome) => !outcome.ok);
    expect(failures).toHaveLength(10);
    for (const failure of failures)
      expect(failure).toEqual({ ok: false, code: 'HANDLER_ERROR', message: 'negative deposit -1' });
    // Each failure restarts the account: the balance after the k-th failure starts again at 1.
    const balances = outcomes
      .filter((outcome) => outcome.ok)
      .map((outcome) => (outcome as { balance: number }).balance);
    expect(balances).toEqual(Array.from({ length: 10 }, () => Array.from({ length: 29 }, (_, i) => i + 1)).flat());
    await eventually(() => restarted.length >= 10);
    subscription.unsubscribe();
    expect(restarted.map((push) => (push.payload as ActorRestarted).name)).toEqual(Array(10).fill('accounts'));
    expect(restarted[0].payload).toMatchObject({
      name: 'accounts',
      attempt: expect.any(Number),
      cause: 'negative deposit -1',
    });
  });

  it('children are reachable over IPC only when exposed, under their full name; discovery names their parent', async () => {
    expect(await client.request('accounts', 'OpenChildren', {})).toEqual(['accounts/audit', 'accounts/ledger']);
    expect(await client.request('accounts/audit', 'Deposit', { amount: 5 })).toEqual({ balance: 5 });
    await expect(client.request('accounts/ledger', 'Deposit', { amount: 5 })).rejects.toMatchObject({
      code: 'ACTOR_NOT_FOUND',
    });
    const { actors } = await client.discover();
    const audit = actors!.find((actor) => actor.name === 'accounts/audit');
    expect(audit).toMatchObject({ name: 'accounts/audit', parent: 'accounts' });
    expect(actors!.find((actor) => actor.name === 'accounts')).not.toHaveProperty('parent');
    expect(actors!.map((actor) => actor.name)).not.toContain('accounts/ledger');
  });

  it('a child stopped with its restarting parent is no longer served; the parent keeps its name', async () => {
    await expect(client.request('accounts', 'Deposit', { amount: -1 })).rejects.toMatchObject({
      code: 'HANDLER_ERROR',
    });
    await expect(client.request('accounts/audit', 'Deposit', { amount: 1 })).rejects.toMatchObject({
      code: 'ACTOR_NOT_FOUND',
    });
    expect(await client.request('accounts', 'Deposit', { amount: 2 })).toEqual({ balance: 2 });
  });
});
