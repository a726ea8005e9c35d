import { RateLimiter } from '../../../lib/ipc/server/rate-limiter';

describe('token bucket (docs/protocol.md §5.1)', () => {
  it('starts full, refills fractionally and reports floor((1 - tokens) / rps * 1000)', () => {
    let now = 0;
    const limiter = new RateLimiter({ enabled: true, requestsPerSecond: 4, burstSize: 2 }, () => now);
    expect(limiter.take()).toBe(-1);
    expect(limiter.take()).toBe(-1);
    expect(limiter.take()).toBe(250); // (1 - 0) / 4 * 1000
    now = 100; // +0.4 token
    expect(limiter.take()).toBe(150);
    now = 250; // 1.0 token
    expect(limiter.take()).toBe(-1);
    now = 10_000; // capped at burst
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual([-1, -1, 250]);
  });

  it('admits everything when disabled', () => {
    const limiter = new RateLimiter({ enabled: false, requestsPerSecond: 1, burstSize: 1 }, () => 0);
    expect(Array.from({ length: 100 }, () => limiter.take()).every((wait) => wait === -1)).toBe(true);
  });
});
