import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ActonApp, Module } from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';
import { recordingLogger } from '../../support/ipc-test-app';
import { Boom, Bump, counterActor, Counted, eventually, msg, recordEvents } from './fixtures/supervised-actors';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const TOTAL = 20_000;
const BATCH = 500;

describe('soak: an actor failing 1 message in 100', () => {
  let app: ActonApp | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it(`${TOTAL} messages: every caller gets exactly one answer, ${TOTAL / 100} restarts, memory flat`, async () => {
    @Module({ actors: [counterActor('flaky', { maxRestarts: 1_000_000, backoff: { minMs: 0, maxMs: 0 } })] })
    class SoakModule {}
    app = await createTestingApp(SoakModule, { logger: recordingLogger([]) });
    const { events, stop } = recordEvents(app);
    const answers = new Uint8Array(TOTAL);
    let ok = 0;
    let failed = 0;
    let baseline = 0;
    const retired: WeakRef<object>[] = [];
    const current = (): object => (app!.actorRef('flaky') as unknown as { instance: object }).instance;
    for (let start = 0; start < TOTAL; start += BATCH) {
      const batch: Promise<void>[] = [];
      for (let i = start; i < start + BATCH; i++) {
        const message = i % 100 === 99 ? msg(Boom, { text: `failure ${i}` }) : msg(Bump);
        batch.push(
          app.ask<Counted>('flaky', message, { timeoutMs: 20_000 }).then(
            () => void (answers[i]++, ok++),
            (err: Error) => {
              answers[i]++;
              failed++;
              expect(err.message).toBe(`failure ${i}`);
            },
          ),
        );
      }
      await Promise.all(batch);
      retired.push(new WeakRef(current()));
      if (start === 4 * BATCH) baseline = heapAfterGc();
    }
    expect(answers.every((count) => count === 1)).toBe(true);
    expect({ ok, failed }).toEqual({ ok: TOTAL - TOTAL / 100, failed: TOTAL / 100 });
    await eventually(() => events.length === TOTAL / 100);
    stop();
    // One restart per failure, in failure order; no reset (failures are < resetAfterMs apart).
    expect(events).toEqual(
      Array.from({ length: TOTAL / 100 }, (_, k) => `restarted flaky #${k + 1}: failure ${100 * k + 99}`),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const growth = heapAfterGc() - baseline;
    const alive = retired.filter((ref) => ref.deref() !== undefined && ref.deref() !== current());
    expect(alive).toHaveLength(0); // replaced instances are garbage: nothing keeps them
    expect(growth).toBeLessThan(8 * 1024 * 1024);
    expect(app.actors()).toHaveLength(1);
  }, 120_000);
});
