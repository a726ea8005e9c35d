import { MessageType } from '../../lib/ipc/protocol';
import { BenchWire } from '../bench-wire';
import { Answer } from './answer';
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
export async function runStream(
  socketPath: string,
  params: StreamParams,
  progress: (text: string) => void,
): Promise<StreamResult> {
  const caller = await Caller.open(socketPath, 'l');
  try {
    const outcome = new Outcome();
    for (let i = 0; i < params.warmupStreams; i++) await streamOnce(caller, params, outcome, () => {});
    const { received, msToLastItem } = await streamOnce(caller, params, outcome, (n) =>
      progress(`${n}/${params.items} items`),
    );
    return {
      items: received,
      itemsPerSecond: (received / msToLastItem) * 1_000,
      msToLastItem,
      ...outcome.report(caller),
      operations: received * (params.warmupStreams + 1),
    };
  } finally {
    await caller.close();
  }
}

function streamOnce(
  caller: Caller,
  params: StreamParams,
  outcome: Outcome,
  tick: (received: number) => void,
): Promise<{ received: number; msToLastItem: number }> {
  return new Promise((resolve) => {
    let received = 0;
    let lastItemAt = 0;
    const sentAt = nowNs();
    caller.request(
      BenchWire.LIST_SERVICE,
      BenchWire.LIST_REQUEST,
      `{"page_size":${params.pageSize}}`,
      'stream',
      (answer) => {
        if (isDataFrame(answer, received, outcome)) {
          received++;
          lastItemAt = nowNs();
          if (received % 10_000 === 0) tick(received);
          return true;
        }
        const body = answer.body();
        const complete =
          answer.type === MessageType.STREAM &&
          body.is_final === true &&
          !body.error &&
          body.sequence === params.items &&
          received === params.items;
        if (!complete)
          outcome.fail(
            `stream ended after ${received} of ${params.items} items with type ${answer.type}: ${answer.text().slice(0, 300)}`,
          );
        resolve({ received, msToLastItem: (lastItemAt - sentAt) / 1e6 });
        return false;
      },
    );
  });
}

/**
 * True for data frame number `sequence` carrying item `sequence + 1` (docs/protocol.md §2.8); a wrong
 * data frame is counted as a failure.
 */
function isDataFrame(answer: Answer, sequence: number, outcome: Outcome): boolean {
  if (
    answer.type === MessageType.STREAM &&
    answer.tailStartsWith(`,"sequence":${sequence},"is_final":false,"payload":{"id":${sequence + 1},`)
  )
    return true;
  const body = answer.body();
  if (answer.type !== MessageType.STREAM || body.is_final !== false) return false;
  const item = body.payload as { id?: unknown } | undefined;
  if (body.sequence !== sequence || item?.id !== sequence + 1)
    outcome.fail(`expected stream frame ${sequence} with item ${sequence + 1}, got ${answer.text().slice(0, 300)}`);
  return true;
}
