import { AnswerBody, Caller } from './caller';

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

  /** Checks an `AddResult` answer. */
  expectSum(body: AnswerBody, sum: number): void {
    if (body.success !== true || (body.payload as { sum?: unknown } | undefined)?.sum !== sum) {
      this.fail(`expected AddResult {sum: ${sum}}, got ${JSON.stringify(body).slice(0, 300)}`);
    }
  }

  /** `errors` and `firstError`, counting a connection error of any of `callers` as one more. */
  report(...callers: Caller[]): { errors: number; firstError?: string } {
    for (const caller of callers) if (caller.error) this.fail(`connection error: ${caller.error.message}`);
    return this.firstError === undefined ? { errors: this.errors } : { errors: this.errors, firstError: this.firstError };
  }
}
