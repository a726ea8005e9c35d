import { MessageType } from '../../lib/ipc/protocol';
import { Answer } from './answer';

/** What every workload result carries besides its own figures. */
export interface WorkloadOutcome {
  readonly errors: number;
  readonly firstError?: string;
  /** Operations the server performed for this run, warm-up included (calls, stream items, pushes delivered). */
  readonly operations: number;
  /** Server CPU time (user + system) per operation, µs; filled in by the bench runner. */
  readonly serverCpuUsPerOp?: number;
}

/** Counts wrong answers during a workload and keeps the first one for the report. */
export class Outcome {
  errors = 0;
  firstError?: string;

  /** Records a failure described by `text`. */
  fail(text: string): void {
    this.errors++;
    this.firstError ??= text;
  }

  /** Checks an `AddResult` answer: a 0x02 success whose payload is exactly `{sum}`. */
  expectSum(answer: Answer, sum: number): void {
    if (answer.type === MessageType.RESPONSE && answer.tailIs(`,"success":true,"payload":{"sum":${sum}}}`)) return;
    const body = answer.body();
    const payload = body.payload as { sum?: unknown } | undefined;
    const ok =
      answer.type === MessageType.RESPONSE &&
      body.success === true &&
      payload?.sum === sum &&
      Object.keys(payload).length === 1;
    if (!ok) this.fail(`expected AddResult {sum: ${sum}}, got type ${answer.type}: ${answer.text().slice(0, 300)}`);
  }

  /** `errors` and `firstError`, counting a connection error of any of `callers` as one more. */
  report(...callers: { readonly error?: Error }[]): { errors: number; firstError?: string } {
    for (const caller of callers) if (caller.error) this.fail(`connection error: ${caller.error.message}`);
    return this.firstError === undefined
      ? { errors: this.errors }
      : { errors: this.errors, firstError: this.firstError };
  }
}
