import { histogramDelta, LATENCY_BUCKETS_SECONDS, quantileOf } from 'acton-ts/observability';
import { LatencyHistogram } from '../../lib/observability/latency-histogram';

describe('LatencyHistogram and quantile estimates', () => {
  it('puts each value in the first bucket whose bound is >= it, and overflow in +Inf', () => {
    const histogram = new LatencyHistogram();
    histogram.observe(0.0001); // exactly the first bound
    histogram.observe(0.0003);
    histogram.observe(42);
    const { buckets, count, sum } = histogram.snapshot();
    expect(buckets).toHaveLength(LATENCY_BUCKETS_SECONDS.length + 1);
    expect(buckets[0]).toBe(1);
    expect(buckets[2]).toBe(1); // (0.00025, 0.0005]
    expect(buckets[buckets.length - 1]).toBe(1);
    expect(count).toBe(3);
    expect(sum).toBeCloseTo(42.0004, 6);
  });

  it('estimates quantiles by interpolating inside the bucket, like histogram_quantile', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 99; i++) histogram.observe(0.0015); // (0.001, 0.0025]
    histogram.observe(0.2); // (0.1, 0.25]
    const snapshot = histogram.snapshot();
    const p50 = quantileOf(snapshot, 0.5)!;
    expect(p50).toBeGreaterThan(0.001);
    expect(p50).toBeLessThanOrEqual(0.0025);
    expect(quantileOf(snapshot, 0.995)).toBeGreaterThan(0.1);
    expect(quantileOf({ ...snapshot, buckets: snapshot.buckets.map(() => 0), count: 0 }, 0.5)).toBeUndefined();
  });

  it('describes only the observations between two snapshots with histogramDelta', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 1000; i++) histogram.observe(0.0002);
    const before = histogram.snapshot();
    for (let i = 0; i < 10; i++) histogram.observe(3);
    const delta = histogramDelta(histogram.snapshot(), before);
    expect(delta.count).toBe(10);
    expect(quantileOf(delta, 0.5)).toBeGreaterThan(2.5);
  });
});
