import { backoffDelay } from '../../lib/core/runtime/restart-backoff';

describe('reconnect backoff', () => {
  it('doubles its ceiling per attempt from the initial delay up to the cap', () => {
    const ceiling = (attempt: number) => backoffDelay(attempt, 50, 5_000, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(ceiling)).toEqual([49, 99, 199, 399, 799, 1599, 3199, 4999, 4999]);
  });

  it('jitters over the whole range down to zero', () => {
    expect(backoffDelay(4, 50, 5_000, () => 0)).toBe(0);
    expect(backoffDelay(4, 50, 5_000, () => 0.5)).toBe(200);
  });

  it('stays finite for huge attempt numbers', () => {
    expect(backoffDelay(10_000, 50, 5_000, () => 0.5)).toBe(2_500);
  });
});
