import { ConcurrentParams, ConcurrentResult } from '../client/concurrent.workload';
import { LatencyRecorder, nowNs } from '../client/latency-recorder';
import { NestTcpCaller } from './nest-tcp-caller';

/** The pattern of `BenchCalculatorController.add`, as JSON text. */
const ADD_PATTERN = '{"actor":"calculator","type":"AddRequest"}';
/** How long, after the window closed, the requests still in flight may take to come back, ms. */
const SETTLE_TIMEOUT_MS = 30_000;

/**
 * W2 over Nest's TCP transport, the same closed loop as `runConcurrent` (acton wire): each of
 * `connections` keeps `inFlight` `AddRequest`s outstanding; answers in the measured window are
 * counted; every answer is checked to be `{ sum }`.
 * @param address `host:port` of the Nest TCP server
 */
export async function runNestTcpConcurrent(
  address: string,
  params: ConcurrentParams,
  progress: (text: string) => void,
): Promise<ConcurrentResult> {
  const callers = await Promise.all(
    Array.from({ length: params.connections }, (_, i) => NestTcpCaller.open(address, `k${i}_`)),
  );
  try {
    const latencies = new LatencyRecorder();
    const begin = nowNs() + params.warmupMs * 1e6;
    const end = begin + params.durationMs * 1e6;
    let calls = 0;
    let answered = 0;
    let errors = 0;
    let firstError: string | undefined;
    const send = (caller: NestTcpCaller, a: number): void => {
      const sentAt = nowNs();
      caller.request(ADD_PATTERN, `{"a":${a},"b":1}`, (answer) => {
        const now = nowNs();
        answered++;
        const sum = (answer.response as { sum?: unknown } | undefined)?.sum;
        if (sum !== a + 1) {
          errors++;
          firstError ??= `expected {sum: ${a + 1}}, got ${JSON.stringify(answer).slice(0, 300)}`;
        }
        if (now >= begin && now < end) {
          calls++;
          latencies.add(now - sentAt);
        }
        if (now < end) send(caller, a + params.inFlight);
      });
    };
    for (const caller of callers) for (let i = 0; i < params.inFlight; i++) send(caller, i);
    const ticker = setInterval(() => progress(`${calls} calls`), 250);
    const deadline = Date.now() + (end - nowNs()) / 1e6 + SETTLE_TIMEOUT_MS;
    while (callers.some((caller) => caller.inFlight > 0)) {
      const broken = callers.find((caller) => caller.error);
      if (broken) throw broken.error;
      if (Date.now() > deadline) {
        throw new Error(`Nest TCP requests still unanswered: ${callers.map((c) => c.inFlight).join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    clearInterval(ticker);
    const seconds = params.durationMs / 1_000;
    const { p50Us, p99Us } = latencies.summary();
    const failure = firstError === undefined ? {} : { firstError };
    return {
      connections: params.connections,
      inFlight: params.inFlight,
      calls,
      seconds,
      callsPerSecond: calls / seconds,
      p50Us,
      p99Us,
      errors,
      ...failure,
      operations: answered,
    };
  } finally {
    await Promise.all(callers.map((caller) => caller.close()));
  }
}
