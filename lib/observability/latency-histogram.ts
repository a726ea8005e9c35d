/**
 * Upper bounds, in seconds, of the duration histograms (Prometheus `le` buckets): 100 µs to
 * 10 s, roughly 1-2.5-5 steps, fine enough for p50/p99 estimates of in-process handlers.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** A histogram's figures as exported (counts per bucket, not cumulative; the last is +Inf). */
export interface HistogramSnapshot {
  /** One count per `LATENCY_BUCKETS_SECONDS` entry, plus the overflow (+Inf) count last. */
  readonly buckets: readonly number[];
  /** Sum of observed values, seconds. */
  readonly sum: number;
  readonly count: number;
}

/**
 * A fixed-bucket duration histogram: `observe` is a short linear scan and two additions; no
 * allocation. Exposed to Prometheus as `_bucket` / `_sum` / `_count` and to `acton top`, which
 * estimates quantiles from the difference of two snapshots.
 */
export class LatencyHistogram {
  private readonly counts = new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0);
  private total = 0;
  private observed = 0;

  /** Records one duration, in seconds. */
  observe(seconds: number): void {
    let index = 0;
    while (index < LATENCY_BUCKETS_SECONDS.length && seconds > LATENCY_BUCKETS_SECONDS[index]) index++;
    this.counts[index]++;
    this.total += seconds;
    this.observed++;
  }

  /** Number of observations so far. */
  get count(): number {
    return this.observed;
  }

  /** A copy of the figures. */
  snapshot(): HistogramSnapshot {
    return { buckets: [...this.counts], sum: this.total, count: this.observed };
  }
}

/** Adds `from` into `into` (both snapshots of histograms with the same buckets). */
export function addHistograms(into: HistogramSnapshot, from: HistogramSnapshot): HistogramSnapshot {
  return {
    buckets: into.buckets.map((count, index) => count + (from.buckets[index] ?? 0)),
    sum: into.sum + from.sum,
    count: into.count + from.count,
  };
}

/** The empty snapshot. */
export const EMPTY_HISTOGRAM: HistogramSnapshot = Object.freeze({
  buckets: Object.freeze(new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0)),
  sum: 0,
  count: 0,
});

/**
 * Estimates the `q` quantile (0..1) in seconds by linear interpolation inside the bucket that
 * holds it (as Prometheus' `histogram_quantile`); `undefined` without observations. Values in
 * the overflow bucket are reported as the largest bound.
 */
export function quantileOf(histogram: HistogramSnapshot, q: number): number | undefined {
  if (histogram.count <= 0) return undefined;
  const rank = q * histogram.count;
  let seen = 0;
  for (let index = 0; index < histogram.buckets.length; index++) {
    const inBucket = histogram.buckets[index];
    if (inBucket > 0 && seen + inBucket >= rank) {
      if (index >= LATENCY_BUCKETS_SECONDS.length) return LATENCY_BUCKETS_SECONDS[LATENCY_BUCKETS_SECONDS.length - 1];
      const lower = index === 0 ? 0 : LATENCY_BUCKETS_SECONDS[index - 1];
      const upper = LATENCY_BUCKETS_SECONDS[index];
      return lower + (upper - lower) * ((rank - seen) / inBucket);
    }
    seen += inBucket;
  }
  return LATENCY_BUCKETS_SECONDS[LATENCY_BUCKETS_SECONDS.length - 1];
}

/** `later − earlier`, bucket by bucket (the observations between two snapshots). */
export function histogramDelta(later: HistogramSnapshot, earlier: HistogramSnapshot | undefined): HistogramSnapshot {
  if (!earlier) return later;
  return {
    buckets: later.buckets.map((count, index) => Math.max(0, count - (earlier.buckets[index] ?? 0))),
    sum: Math.max(0, later.sum - earlier.sum),
    count: Math.max(0, later.count - earlier.count),
  };
}
