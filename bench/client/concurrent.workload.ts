import { BenchWire } from '../bench-wire';
import { Caller } from './caller';
import { LatencyRecorder, nowNs } from './latency-recorder';
import { Outcome, WorkloadOutcome } from './outcome';

/** Parameters of W2. */
export interface ConcurrentParams {
  readonly connections: number;
  /** Requests kept in flight on each connection. */
  readonly inFlight: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

/** Figures of W2. */
export interface ConcurrentResult extends WorkloadOutcome {
  readonly connections: number;
  readonly inFlight: number;
  /** Answers received during the measured window. */
  readonly calls: number;
  readonly seconds: number;
  readonly callsPerSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/** How long, after the window closed, the requests still in flight may take to come back, ms. */
const SETTLE_TIMEOUT_MS = 30_000;

/** What the W2 loop needs of one connection, on any wire (acton IPC, Nest TCP). */
export interface LoopCaller {
  /** Requests sent and not answered yet. */
  readonly inFlight: number;
  /** The connection's socket or framing error, if any. */
  readonly error?: Error;
  close(): Promise<void>;
}

/**
 * Sends `AddRequest {a, b: 1}` on `caller`; once answered, checks the answer is `{sum: a + 1}`
 * (recording a wrong one in `outcome`) and calls `answered()`.
 */
export type SendAdd<C> = (caller: C, a: number, outcome: Outcome, answered: () => void) => void;

/**
 * W2: `connections` connections, each keeping `inFlight` `AddRequest`s in flight (a new one is
 * sent as each answer arrives). Answers received during `durationMs` after a `warmupMs`
 * warm-up are counted and their latencies recorded; then every outstanding answer is awaited.
 */
export async function runConcurrent(
  socketPath: string,
  params: ConcurrentParams,
  progress: (text: string) => void,
): Promise<ConcurrentResult> {
  const callers = await Promise.all(
    Array.from({ length: params.connections }, (_, i) => Caller.open(socketPath, `k${i}_`)),
  );
  return runClosedLoop(callers, params, progress, (caller, a, outcome, answered) =>
    caller.request(BenchWire.CALCULATOR, BenchWire.ADD_REQUEST, `{"a":${a},"b":1}`, 'reply', (answer) => {
      outcome.expectSum(answer, a + 1);
      answered();
      return false;
    }),
  );
}

/**
 * The W2 closed loop over already open `callers` (closed at the end), whatever their wire:
 * each keeps `params.inFlight` additions outstanding through `sendAdd`; answers in the measured
 * window are counted and timed.
 */
export async function runClosedLoop<C extends LoopCaller>(
  callers: readonly C[],
  params: ConcurrentParams,
  progress: (text: string) => void,
  sendAdd: SendAdd<C>,
): Promise<ConcurrentResult> {
  try {
    const outcome = new Outcome();
    const latencies = new LatencyRecorder();
    const begin = nowNs() + params.warmupMs * 1e6;
    const end = begin + params.durationMs * 1e6;
    let calls = 0;
    let answered = 0;
    const send = (caller: C, a: number): void => {
      const sentAt = nowNs();
      sendAdd(caller, a, outcome, () => {
        const now = nowNs();
        answered++;
        if (now >= begin && now < end) {
          calls++;
          latencies.add(now - sentAt);
        }
        if (now < end) send(caller, a + params.inFlight);
      });
    };
    for (const caller of callers) for (let i = 0; i < params.inFlight; i++) send(caller, i);
    const ticker = setInterval(() => progress(`${calls} calls`), 250);
    await settle(callers, (end - nowNs()) / 1e6 + SETTLE_TIMEOUT_MS);
    clearInterval(ticker);
    const seconds = params.durationMs / 1_000;
    const { p50Us, p99Us } = latencies.summary();
    return {
      connections: params.connections,
      inFlight: params.inFlight,
      calls,
      seconds,
      callsPerSecond: calls / seconds,
      p50Us,
      p99Us,
      ...outcome.report(...callers),
      operations: answered,
    };
  } finally {
    await Promise.all(callers.map((caller) => caller.close()));
  }
}

/** Resolves once no caller has a request in flight; rejects after `timeoutMs`. */
async function settle(callers: readonly LoopCaller[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (callers.some((caller) => caller.inFlight > 0)) {
    const broken = callers.find((caller) => caller.error);
    if (broken) throw broken.error;
    if (Date.now() > deadline)
      throw new Error(
        `requests still unanswered ${timeoutMs} ms after sending: ${callers.map((c) => c.inFlight).join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
