/**
 * Type-level test of typed asks, checked by `npm run typecheck` (tsc --noEmit over test/):
 * each `Expect<Equal<...>>` fails to compile when the inferred type is wrong, and each
 * `@ts-expect-error` fails to compile when the line it marks stops being an error.
 * Nothing here runs (jest matches *.spec.ts only).
 */
import type { Observable } from 'rxjs';
import type { ActonApp, MessageProps } from 'acton-ts';
import type { ActonClient, ReplyOf, RepliesWith } from 'acton-ts/client';
import { AddRequest, AddResult, Count, Recall, Tick } from './fixtures/test-messages';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

// ReplyOf reads the class's declared reply; a class without one gives unknown (never any).
export type ReplyOfTests = [
  Expect<Equal<ReplyOf<AddRequest>, AddResult>>,
  Expect<Equal<ReplyOf<Count>, Tick>>,
  Expect<Equal<ReplyOf<Recall>, unknown>>,
  Expect<Equal<ReplyOf<RepliesWith<string[]>>, string[]>>,
  Expect<Equal<ReplyOf<{ a: number }>, unknown>>,
];

export async function typedCalls(client: ActonClient): Promise<void> {
  const calculator = client.actor('calculator');
  const sum = calculator.ask(new AddRequest());
  const summed: Expect<Equal<typeof sum, Promise<AddResult>>> = true;

  const ticks = client.actor('worker').stream(new Count());
  const streamed: Expect<Equal<typeof ticks, Observable<Tick>>> = true;

  const recalled = await client.actor('notebook').ask(new Recall());
  const untyped: Expect<Equal<typeof recalled, unknown>> = true;

  const told = client.actor('notebook').tell(new Recall());
  const delivered: Expect<Equal<typeof told, Promise<void>>> = true;

  const result = await sum;
  // @ts-expect-error AddResult has no `product`
  void result.product;
  // @ts-expect-error a reply without a declared type is unknown until narrowed
  void recalled.values;
  // @ts-expect-error `sum` is a number, not a string
  const text: string = result.sum;

  void [sum, ticks, told, summed, streamed, untyped, delivered, text];
}

// MessageProps: the class's fields, required as declared; no __reply, no methods.
export type MessagePropsTests = [
  Expect<Equal<MessageProps<AddRequest>, { a: number; b: number }>>,
  Expect<Equal<MessageProps<{ x?: string; go(): void; readonly __reply?: number }>, { x?: string }>>,
];

/** The class form: `ask(Class, props)` checks the fields and infers the reply. */
export async function typedPayloads(client: ActonClient, app: ActonApp): Promise<void> {
  const calculator = client.actor('calculator');
  const sum = calculator.ask(AddRequest, { a: 1, b: 2 });
  const summed: Expect<Equal<typeof sum, Promise<AddResult>>> = true;
  // @ts-expect-error `b` is required
  void calculator.ask(AddRequest, { a: 1 });
  // @ts-expect-error `a` is a number
  void calculator.ask(AddRequest, { a: 'two', b: 2 });
  // @ts-expect-error an empty props object is not taken for call options
  void calculator.ask(AddRequest, {});
  // @ts-expect-error nor in the stream form
  void client.actor('worker').stream(Count, {});
  // @ts-expect-error AddRequest has no `c`
  void calculator.ask(AddRequest, { a: 1, b: 2, c: 3 });

  const ticks = client.actor('worker').stream(Count, { to: 3, delay_ms: 0 }, { timeoutMs: 0, idleTimeoutMs: 5000 });
  const streamed: Expect<Equal<typeof ticks, Observable<Tick>>> = true;
  const told = client.actor('worker').tell(Count, { to: 1, delay_ms: 0 });
  const delivered: Expect<Equal<typeof told, Promise<void>>> = true;

  const local = app.ask('calculator', AddRequest, { a: 1, b: 2 }, { timeoutMs: 100 });
  const inferred: Expect<Equal<typeof local, Promise<AddResult>>> = true;
  // @ts-expect-error in-process asks check the fields too
  void app.ask('calculator', AddRequest, { a: 1 });
  // @ts-expect-error an empty props object is not taken for ask options
  void app.ask('calculator', AddRequest, {});
  const legacy: number = await app.ask('calculator', new AddRequest());

  void [sum, ticks, told, local, summed, streamed, delivered, inferred, legacy];
}
