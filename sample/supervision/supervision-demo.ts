/**
 * Supervision and timers in one runnable file (no socket):
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only sample/supervision/supervision-demo.ts
 */
import 'reflect-metadata';
import { IsInt } from 'class-validator';
import {
  ActonApp,
  Actor,
  ActorRestarted,
  bootstrap,
  ConsoleLogger,
  Message,
  Module,
  OnMessage,
  OnStart,
  Timers,
} from 'acton-ts';

// #region example
@Message('Charged')
export class Charged {
  total!: number;
}

@Message('Charge', { reply: Charged })
export class Charge {
  @IsInt() amount!: number;
}

@Message('Reconcile')
export class Reconcile {}

/** A child: reconciles every 100 ms with its own timer (cancelled when it stops or restarts). */
@Actor({ name: 'ledger', expose: false })
export class LedgerActor implements OnStart {
  reconciled = 0;
  constructor(private readonly timers: Timers) {}

  onStart(): void {
    this.timers.sendEvery('payments/ledger', new Reconcile(), 100, { mode: 'fixed-delay' });
  }

  @OnMessage()
  reconcile(_message: Reconcile): void {
    this.reconciled++;
  }
}

/** Restarted (fresh state, children re-spawned by onStart) when a charge throws; 3 restarts in 10 s at most. */
@Actor({
  name: 'payments',
  supervision: {
    restart: 'permanent',
    maxRestarts: 3,
    withinMs: 10_000,
    backoff: { minMs: 50, maxMs: 1_000, jitter: 0.2 },
  },
})
export class PaymentsActor implements OnStart {
  private total = 0;
  constructor(private readonly app: ActonApp) {}

  async onStart(): Promise<void> {
    await this.app.spawn(LedgerActor, 'ledger', { parent: 'payments' }); // → 'payments/ledger'
  }

  @OnMessage({ ipc: true })
  charge(message: Charge): Charged {
    if (message.amount > 1_000) throw new Error(`card processor glitch on ${message.amount}`); // a failure: restart
    this.total += message.amount;
    return { total: this.total };
  }
}

@Module({ actors: [PaymentsActor] })
export class PaymentsModule {}
// #endregion example

/** Runs the demo and returns what it printed. */
export async function runSupervisionDemo(print: (line: string) => void = console.log): Promise<void> {
  const app = await bootstrap(PaymentsModule, { logger: new ConsoleLogger('error') });
  app.broker
    .messages(ActorRestarted)
    .subscribe((event) => print(`event: ${event.name} restarted (attempt ${event.attempt}): ${event.cause}`));
  const charge = (amount: number): Promise<Charged> =>
    app.ask<Charged>('payments', Object.assign(new Charge(), { amount }));
  print(`charge 40 → total ${(await charge(40)).total}`);
  print(`charge 2 → total ${(await charge(2)).total}`);
  await charge(5_000).catch((err: Error) => print(`charge 5000 → error: ${err.message}`));
  print(`charge 7 → total ${(await charge(7)).total} (a fresh instance, after the backoff)`);
  print(
    `children of payments: ${app
      .actors()
      .filter((entry) => entry.parent === 'payments')
      .map((entry) => entry.name)
      .join(', ')}`,
  );
  await app.close();
}

if (require.main === module) {
  runSupervisionDemo().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
