import { ActorError } from '../../../lib/core/errors/actor-error';
import { AskRequest } from '../../../lib/core/runtime/ask-request';
import { clampTimerDelay, MAX_TIMER_DELAY_MS } from '../../../lib/core/runtime/in-flight-call';
import { StreamRequest } from '../../../lib/core/runtime/stream-request';

/** The outcome of a Promise without letting a rejection go unhandled. */
function outcomeOf(promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe('InFlightCall: deadline, lazy signal, settle once (AskRequest and StreamRequest)', () => {
  it('takes the first outcome only; later replies, completions and errors are ignored', async () => {
    const ask = new AskRequest({}, 'Ping', 1000);
    ask.next('first');
    ask.next('second');
    ask.complete();
    ask.error(new Error('late'));
    expect(await ask.promise).toBe('first');
    expect(ask.settled).toBe(true);
  });

  it('finishing without a reply is the no-reply IO_ERROR', async () => {
    const ask = new AskRequest({}, 'Ping', 1000);
    ask.complete();
    expect((await outcomeOf(ask.promise)).error).toMatchObject({
      code: 'IO_ERROR',
      message: 'I/O error: Response channel closed without receiving a response',
    });
  });

  it('expires after its deadline with TIMEOUT and aborts the signal with that error, read before or after', async () => {
    const early = new AskRequest({}, 'Ping', 20);
    const signalReadEarly = early.delivery.signal!;
    const late = new AskRequest({}, 'Ping', 20);
    early.startDeadline();
    late.startDeadline();
    const [earlyOutcome, lateOutcome] = await Promise.all([outcomeOf(early.promise), outcomeOf(late.promise)]);
    expect(earlyOutcome.error).toMatchObject({
      code: 'TIMEOUT',
      message: 'Request timed out after 20 ms waiting for response',
    });
    expect(signalReadEarly.aborted).toBe(true);
    expect(signalReadEarly.reason).toBe(earlyOutcome.error);
    const signalReadLate = late.delivery.signal!; // created after the expiry: born aborted
    expect(signalReadLate.aborted).toBe(true);
    expect(signalReadLate.reason).toBe(lateOutcome.error);
  });

  it('no timer runs before startDeadline(), and a settled call does not expire', async () => {
    const ask = new AskRequest({}, 'Ping', 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ask.settled).toBe(false);
    ask.next('ok');
    ask.startDeadline();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await ask.promise).toBe('ok');
    expect(ask.delivery.signal!.aborted).toBe(false);
  });

  it('hands the actor a delivery whose sink is the call and whose deadline is the call’s', () => {
    const before = Date.now();
    const ask = new AskRequest({ n: 1 }, 'Ping', 5000);
    expect(ask.delivery).toMatchObject({
      message: { n: 1 },
      wireName: 'Ping',
      correlationId: ask.correlationId,
      sink: ask,
    });
    expect(ask.delivery.correlationId).toMatch(/^local-\d+$/);
    expect(ask.delivery.deadline).toBeGreaterThanOrEqual(before + 5000);
    expect(new AskRequest({}, 'Ping', 1).correlationId).not.toBe(ask.correlationId);
  });

  it('a stream forwards every reply, ends once, and cancel() aborts the handler with CONNECTION_CLOSED', () => {
    const seen: string[] = [];
    const stream = new StreamRequest({}, 'Count', {
      next: (value) => seen.push(`next ${String(value)}`),
      complete: () => seen.push('complete'),
      error: (err) => seen.push(`error ${(err as Error).message}`),
    });
    stream.next(1);
    stream.next(2);
    stream.complete();
    stream.next(3);
    stream.error(new Error('late'));
    expect(seen).toEqual(['next 1', 'next 2', 'complete']);
    expect(stream.delivery.deadline).toBeUndefined();

    const cancelled = new StreamRequest({}, 'Count', {
      next: () => undefined,
      complete: () => undefined,
      error: () => undefined,
    });
    const signal = cancelled.delivery.signal!;
    cancelled.cancel();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(ActorError);
    expect(signal.reason).toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('clamps timer delays to what setTimeout can wait (docs/protocol.md §9)', () => {
    expect(MAX_TIMER_DELAY_MS).toBe(2_147_483_647);
    expect(clampTimerDelay(Number.MAX_SAFE_INTEGER)).toBe(MAX_TIMER_DELAY_MS);
    expect(clampTimerDelay(-5)).toBe(0);
    expect(clampTimerDelay(1500)).toBe(1500);
  });
});
