import { ConcurrentParams, ConcurrentResult, runClosedLoop } from '../client/concurrent.workload';
import { NestTcpCaller } from './nest-tcp-caller';

/** The pattern of `BenchCalculatorController.add`, as JSON text. */
const ADD_PATTERN = '{"actor":"calculator","type":"AddRequest"}';

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
  return runClosedLoop(callers, params, progress, (caller, a, outcome, answered) =>
    caller.request(ADD_PATTERN, `{"a":${a},"b":1}`, (answer) => {
      const sum = (answer.response as { sum?: unknown } | undefined)?.sum;
      if (sum !== a + 1) outcome.fail(`expected {sum: ${a + 1}}, got ${JSON.stringify(answer).slice(0, 300)}`);
      answered();
    }),
  );
}
