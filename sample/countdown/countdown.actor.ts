import { setTimeout as sleep } from 'node:timers/promises';
import { Actor, MessageContext, OnMessage } from 'acton-ts';
import { CountdownRequest, CountdownTick } from './countdown.messages';

/**
 * A timed stream. `ctx.signal` aborts when the client disconnects or the request's deadline
 * passes, which ends the countdown at once instead of ticking into the void.
 */
@Actor('countdown')
export class CountdownActor {
  @OnMessage({ ipc: true, readonly: true })
  countdown(msg: CountdownRequest, ctx: MessageContext): AsyncIterable<CountdownTick> {
    return ticks(msg.from, msg.delay_ms, ctx.signal);
  }
}

async function* ticks(from: number, delayMs: number, signal?: AbortSignal): AsyncGenerator<CountdownTick> {
  for (let value = from; value >= 1; value--) {
    if (value !== from) {
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        return; // aborted: the client went away or the deadline passed
      }
    }
    yield { value };
  }
}
