import { MessageType } from '../../lib/ipc/protocol';
import { BenchWire } from '../bench-wire';
import { Caller } from './caller';
import { nowNs } from './latency-recorder';
import { Outcome, WorkloadOutcome } from './outcome';

/** Parameters of W3. */
export interface StreamParams {
  /** How many items the server's list holds (the whole list is streamed). */
  readonly items: number;
  readonly pageSize: number;
  /** Streams run (and checked) before the measured one. */
  readonly warmupStreams: number;
}

/** Figures of W3. */
export interface StreamResult extends WorkloadOutcome {
  readonly items: number;
  readonly itemsPerSecond: number;
  /** From sending the request to receiving the last data frame, ms. */
  readonly msToLastItem: number;
}

/** W3: one `ListRequest` streaming the whole list; every frame's sequence and the final frame checked. */
export async function runStream(socketPath: string, params: StreamParams, progress: (text: string) => void): Promise<StreamResult> {
  const caller = await Caller.open(socketPath, 'l');
  try {
    const outcome = new Outcome();
    for (let i = 0; i < params.warmupStreams; i++) await streamOnce(caller, params, outcome, () => {});
    const { received, msToLastItem } = await streamOnce(caller, params, outcome, (n) => progress(`${n}/${params.items} items`));
    return { items: received, itemsPerSecond: (received / msToLastItem) * 1_000, msToLastItem, ...outcome.report(caller), operations: received * (params.warmupStreams + 1) };
  } finally {
    await caller.close();
  }
}

function streamOnce(caller: Caller, params: StreamParams, outcome: Outcome, tick: (received: number) => void): Promise<{ received: number; msToLastItem: number }> {
  return new Promise((resolve) => {
    let received = 0;
    let lastItemAt = 0;
    const sentAt = nowNs();
    caller.request(BenchWire.LIST_SERVICE, BenchWire.LIST_REQUEST, `{"page_size":${params.pageSize}}`, 'stream', (body, type) => {
      if (type !== MessageType.STREAM || body.sequence !== received) {
        outcome.fail(`expected stream frame ${received}, got type ${type}: ${JSON.stringify(body).slice(0, 300)}`);
        resolve({ received, msToLastItem: (nowNs() - sentAt) / 1e6 });
        return false;
      }
      if (!body.is_final) {
        received++;
        lastItemAt = nowNs();
        if (received % 10_000 === 0) tick(received);
        return true;
      }
      if (body.error || received !== params.items) outcome.fail(`stream ended after ${received} of ${params.items} items: ${JSON.stringify(body)}`);
      resolve({ received, msToLastItem: (lastItemAt - sentAt) / 1e6 });
      return false;
    });
  });
}
