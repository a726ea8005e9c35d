import { BenchWire } from '../bench-wire';
import { Caller } from './caller';
import { LatencyRecorder, nowNs } from './latency-recorder';
import { Outcome, WorkloadOutcome } from './outcome';

/** Parameters of W1. */
export interface SequentialParams {
  readonly calls: number;
  readonly warmupCalls: number;
}

/** Figures of W1. */
export interface SequentialResult extends WorkloadOutcome {
  readonly calls: number;
  readonly seconds: number;
  readonly callsPerSecond: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/** W1: one connection, one `AddRequest` in flight at a time; latency per call. */
export async function runSequential(
  socketPath: string,
  params: SequentialParams,
  progress: (text: string) => void,
): Promise<SequentialResult> {
  const caller = await Caller.open(socketPath, 's');
  try {
    const outcome = new Outcome();
    await callInTurn(caller, params.warmupCalls, outcome, undefined, () => {});
    const latencies = new LatencyRecorder();
    const started = nowNs();
    await callInTurn(caller, params.calls, outcome, latencies, (done) => progress(`${done}/${params.calls} calls`));
    const seconds = (nowNs() - started) / 1e9;
    return {
      calls: params.calls,
      seconds,
      callsPerSecond: params.calls / seconds,
      ...latencies.summary(),
      ...outcome.report(caller),
      operations: params.calls + params.warmupCalls,
    };
  } finally {
    await caller.close();
  }
}

/** Sends `count` AddRequests one after the other, each when the previous one was answered. */
function callInTurn(
  caller: Caller,
  count: number,
  outcome: Outcome,
  latencies: LatencyRecorder | undefined,
  tick: (done: number) => void,
): Promise<void> {
  return new Promise((resolve) => {
    let done = 0;
    const next = (): void => {
      if (done === count) return resolve();
      if (done % 1_000 === 0) tick(done);
      const a = done;
      const sentAt = nowNs();
      caller.request(BenchWire.CALCULATOR, BenchWire.ADD_REQUEST, `{"a":${a},"b":1}`, 'reply', (answer) => {
        latencies?.add(nowNs() - sentAt);
        outcome.expectSum(answer, a + 1);
        done++;
        next(); // written when the connection uncorks, right after this read's frames
        return false;
      });
    };
    next();
  });
}
