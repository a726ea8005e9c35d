/**
 * The listener-wide count of requests being answered (docs/protocol.md §7 `in_flight_requests`)
 * and the graceful-shutdown state built on it (§5.5). A request is in flight from the moment it
 * passed the rate limiter (§3.1 step 4) until its final frame is queued or its connection closed.
 * `drained()` resolves when the count reaches zero: the drain awaits it instead of polling.
 */
export class InFlightRequests {
  private inFlight = 0;
  private isDraining = false;
  private waiters: (() => void)[] = [];

  /** Gauge: requests currently in flight. */
  get count(): number {
    return this.inFlight;
  }

  /** True once `startDraining()` ran: new requests are answered `SHUTTING_DOWN` (§5.5). */
  get draining(): boolean {
    return this.isDraining;
  }

  /** Switches to draining; idempotent. */
  startDraining(): void {
    this.isDraining = true;
  }

  /** One more request in flight. */
  begin(): void {
    this.inFlight++;
  }

  /** `requests` fewer in flight (several at once when a connection closes with requests pending). */
  end(requests = 1): void {
    this.inFlight -= requests;
    if (this.inFlight > 0 || this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves as soon as nothing is in flight (at once when nothing is). */
  drained(): Promise<void> {
    if (this.inFlight <= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
