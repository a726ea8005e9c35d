/**
 * What `app.tell` returns: a Promise of the message's delivery. It resolves once the actor's
 * mailbox accepted the message — at once for an actor in this process, when the owner's mailbox
 * acknowledged it for an actor served by another node (docs/protocol.md §3.2, the delivery ack of a
 * fire-and-forget) — and rejects with the typed `ActorError` otherwise (`ACTOR_NOT_FOUND`,
 * `SERIALIZATION_ERROR`, `TARGET_BUSY`, `NODE_UNAVAILABLE`, `CONNECTION_CLOSED`, `TIMEOUT`, ...).
 *
 * It may be ignored, as a fire-and-forget usually is: a failure nobody awaited (no `then`, `catch`,
 * `finally` or `await` before it settled) is logged, never an unhandled rejection.
 */
export class TellReceipt implements Promise<void> {
  readonly [Symbol.toStringTag] = 'TellReceipt';
  private observed = false;

  /** The receipt of a message already in its actor's mailbox (shared: a local tell allocates none). */
  static readonly DELIVERED = new TellReceipt(Promise.resolve());

  private constructor(private readonly settled: Promise<void>) {}

  /**
   * The receipt of a delivery still under way.
   * @param unobserved called with the failure when it settles rejected and nobody awaited it
   */
  static pending(delivered: Promise<void>, unobserved: (err: unknown) => void): TellReceipt {
    const receipt = new TellReceipt(delivered);
    delivered.catch((err: unknown) => {
      if (!receipt.observed) unobserved(err);
    });
    return receipt;
  }

  then<TResult1 = void, TResult2 = never>(
    onfulfilled?: ((value: void) => TResult1 | PromiseLike<TResult1>) | null,
    // `any`, as Promise's own: `.catch((err: ActorError) => ...)` type-checks as it does on a Promise.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    onrejected?: ((reason: any) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    this.observed = true;
    return this.settled.then(onfulfilled, onrejected);
  }

  catch<TResult = never>(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    onrejected?: ((reason: any) => TResult | PromiseLike<TResult>) | null,
  ): Promise<void | TResult> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<void> {
    this.observed = true;
    return this.settled.finally(onfinally);
  }
}
