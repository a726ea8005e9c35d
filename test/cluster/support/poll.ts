/** Calls `probe` every `everyMs` until it returns a value other than `undefined`, or throws after `withinMs`. */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  withinMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const until = Date.now() + withinMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${what}: not reached within ${withinMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
}
