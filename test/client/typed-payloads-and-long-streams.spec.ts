import 'reflect-metadata';
import { lastValueFrom, toArray } from 'rxjs';
import { AddRequest, CountTo } from '../support/test-messages';
import { serverAndClientPerSuite } from './fixtures/test-server';
import { rejectionOf } from './support/wait-for';

/**
 * Issue 12 points 4 and 5 against a real listener: the class form of typed calls sends the
 * fields it was given; a stream opened with `timeoutMs: 0` has no overall deadline (it outlives
 * a client default lowered to 300 ms, which ends the same stream without it); `idleTimeoutMs`
 * ends a stream that goes quiet.
 */
describe('typed payloads and streams without a deadline', () => {
  const suite = serverAndClientPerSuite({}, { defaultTimeoutMs: 300 });

  it('actor().ask(Class, props) sends the props under the class wire name', async () => {
    const result = await suite.client.actor('calculator').ask(AddRequest, { a: 40, b: 2 }, { timeoutMs: 10_000 });
    expect(result.sum).toBe(42);
  });

  it('actor().ask(Class, props) with a wrong field is refused by the server, naming the field', async () => {
    const error = await rejectionOf(
      suite.client.actor('calculator').ask(AddRequest, { a: 1 } as never, { timeoutMs: 10_000 }),
    );
    expect(error).toMatchObject({ code: 'SERIALIZATION_ERROR' });
    expect(error.message).toContain('b: b is required (isInt)');
  });

  it('a stream with the default deadline (lowered to 300 ms) times out', async () => {
    const error = await rejectionOf(
      lastValueFrom(suite.client.actor('worker').stream(CountTo, { to: 3, delay_ms: 250 })),
    );
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(error.message).toContain('Stream timed out after 300 ms');
  });

  it('a stream opened with timeoutMs 0 has no deadline: it outlives the default and completes', async () => {
    const ticks = await lastValueFrom(
      suite.client.actor('worker').stream(CountTo, { to: 3, delay_ms: 250 }, { timeoutMs: 0 }).pipe(toArray()),
    );
    expect(ticks.map((tick) => tick.value)).toEqual([1, 2, 3]);
  });

  it('idleTimeoutMs ends a stream whose items stop coming, with TIMEOUT saying it was idle', async () => {
    const quiet = suite.client.stream(
      'worker',
      'Count',
      { to: 2, delay_ms: 5_000 },
      { timeoutMs: 0, idleTimeoutMs: 200 },
    );
    const error = await rejectionOf(lastValueFrom(quiet));
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(error.message).toContain('Stream idle for 200 ms');
  });
});
