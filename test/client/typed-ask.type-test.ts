/**
 * Type-level test of typed asks, checked by `npm run typecheck` (tsc --noEmit over test/):
 * each `Expect<Equal<...>>` fails to compile when the inferred type is wrong, and each
 * `@ts-expect-error` fails to compile when the line it marks stops being an error.
 * Nothing here runs (jest matches *.spec.ts only).
 */
import type { Observable } from 'rxjs';
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

  void [summed, streamed, untyped, delivered, text];
}
