/** Latency figures of one run, microseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/**
 * Collects latencies (nanoseconds, as measured with `process.hrtime.bigint()` differences in a
 * number) into a growing typed array; percentiles by sorting once at the end (nearest rank).
 */
export class LatencyRecorder {
  private samples = new Float64Array(1 << 16);
  private size = 0;

  /** Adds one latency, in nanoseconds. */
  add(nanoseconds: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size++] = nanoseconds;
  }

  /** Number of latencies recorded. */
  get count(): number {
    return this.size;
  }

  /** Mean, p50 and p99 in microseconds (zeros when nothing was recorded). */
  summary(): LatencySummary {
    if (this.size === 0) return { count: 0, meanUs: 0, p50Us: 0, p99Us: 0 };
    const sorted = this.samples.slice(0, this.size).sort();
    let total = 0;
    for (let i = 0; i < this.size; i++) total += sorted[i];
    return {
      count: this.size,
      meanUs: total / this.size / 1_000,
      p50Us: sorted[rank(0.5, this.size)] / 1_000,
      p99Us: sorted[rank(0.99, this.size)] / 1_000,
    };
  }
}

function rank(quantile: number, size: number): number {
  return Math.min(size - 1, Math.max(0, Math.ceil(quantile * size) - 1));
}

/** Now, in nanoseconds, as a number (precise to well under a microsecond for a bench's lifetime). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}
