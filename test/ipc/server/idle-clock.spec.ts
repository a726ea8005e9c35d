import { performance } from 'node:perf_hooks';
import { IdleClock } from '../../../lib/ipc/server/idle-clock';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** docs/protocol.md §5.3's idle read timeout, counted by looking at a touched flag. */
describe('IdleClock', () => {
  it('reports a connection idle once it went a whole timeout untouched, and not while it is touched', async () => {
    const fired: number[] = [];
    const clock = new IdleClock((ms) => fired.push(ms));
    clock.set(200);
    for (let i = 0; i < 8; i++) {
      await sleep(60); // 480 ms in all, more than twice the timeout: only the touches keep it quiet
      clock.touch();
    }
    expect(fired).toEqual([]);
    const lastTouch = performance.now();
    while (fired.length === 0 && performance.now() - lastTouch < 5_000) await sleep(10);
    const idleFor = performance.now() - lastTouch;
    clock.stop();
    expect(fired).toEqual([200]);
    expect(idleFor).toBeGreaterThanOrEqual(195); // never early (1 ms of libuv's clock granularity allowed)
    expect(idleFor).toBeLessThan(2_000); // about 200–250 ms; generous for a loaded machine
  });

  it('reports once per idle timeout, never after stop(), and not at all with a timeout of 0', async () => {
    const fired: number[] = [];
    const clock = new IdleClock((ms) => fired.push(ms));
    clock.set(40);
    while (fired.length < 2) await sleep(10);
    clock.stop();
    const seen = fired.length;
    await sleep(150);
    expect(fired.length).toBe(seen);
    expect(clock.ms).toBe(0);

    const never = new IdleClock(() => fired.push(-1));
    never.set(0);
    await sleep(100);
    expect(fired).not.toContain(-1);
  });

  it('keeps counting when the same timeout is set again, and starts over on a different one', async () => {
    const fired: number[] = [];
    const clock = new IdleClock((ms) => {
      fired.push(ms);
      clock.stop();
    });
    clock.set(300);
    await sleep(200);
    clock.set(300); // no restart: reported 300–375 ms after the first set, not 300 ms after this one
    const started = performance.now();
    while (fired.length === 0 && performance.now() - started < 5_000) await sleep(5);
    expect(performance.now() - started).toBeLessThan(290);
    clock.set(60);
    expect(clock.ms).toBe(60);
    while (fired.length < 2) await sleep(5);
    expect(fired).toEqual([300, 60]);
  });
});
