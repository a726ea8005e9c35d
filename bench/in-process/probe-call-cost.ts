/**
 * CPU per probe call (issue 17): one message's `track` → `started` → `finished` on the metrics
 * probe (`ActorFigures`) and the tracing probe with the OpenTelemetry API's no-op tracer, in
 * turns of 256 messages (as one socket read or one `Promise.all` batch), without the runtime
 * around them: the steadiest figure of what the probes add per message. About 10 s:
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/in-process/probe-call-cost.ts
 */
import * as otel from '@opentelemetry/api';
import type { ActorRef } from '../../lib/core/runtime/actor-ref';
import type { Delivery } from '../../lib/core/runtime/delivery';
import { ActorProbe } from '../../lib/core/runtime/instrumentation';
import { ActorFigures } from '../../lib/observability/actor-figures';
import { TracingProbe } from '../../lib/observability/tracing-probe';

const TURN = 256;
const TURNS = 4_000;
const ROUNDS = 5;

class CostTarget {}
const actor = { name: 'cost_target', actorClass: CostTarget } as unknown as ActorRef;
const delivery = { wireName: 'CostPing', correlationId: 'c1' } as unknown as Delivery;

/** CPU ns per message of `probe` (none: the loop alone). */
async function nsPerMessage(probe: ActorProbe | undefined, turns: number): Promise<number> {
  const before = process.cpuUsage();
  for (let turn = 0; turn < turns; turn++) {
    for (let i = 0; i < TURN; i++) {
      const tracker = probe?.track(actor, delivery);
      if (tracker) {
        tracker.started();
        tracker.finished();
      }
    }
    await Promise.resolve(); // the turn ends: per-turn caches expire
  }
  const cpu = process.cpuUsage(before);
  return ((cpu.user + cpu.system) * 1000) / (turns * TURN);
}

async function main(): Promise<void> {
  const probes: Record<string, ActorProbe | undefined> = {
    none: undefined,
    metrics: new ActorFigures(),
    'tracing-noop': new TracingProbe(otel, otel.trace.getTracer('bench'), () => undefined),
  };
  const rounds = new Map<string, number[]>(Object.keys(probes).map((name) => [name, []]));
  for (const probe of Object.values(probes)) await nsPerMessage(probe, 200); // warm-up
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, probe] of Object.entries(probes)) rounds.get(name)!.push(await nsPerMessage(probe, TURNS));
  console.log('| probe | CPU per message (median of 5) |\n|---|---:|');
  for (const [name, values] of rounds) {
    const median = [...values].sort((a, b) => a - b)[ROUNDS >> 1];
    console.log(`| ${name} | ${median.toFixed(1)} ns |`);
  }
}

void main();
