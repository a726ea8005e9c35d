/**
 * The reply type of a message class, for typed asks (`client.actor(name).ask(msg)`).
 *
 * TypeScript decorators cannot change the type of the class they decorate, so
 * `@Message('AddRequest', { reply: AddResult })` tells the runtime (discovery, validation) but
 * not the compiler. One extra line in the class tells the compiler; `declare` emits nothing (no
 * field at run time, no key in the payload):
 *
 * ```ts
 * @Message('AddRequest', { reply: AddResult })
 * export class AddRequest {
 *   declare readonly __reply?: AddResult;   // typed asks resolve to AddResult
 *   @IsInt() a!: number;
 *   @IsInt() b!: number;
 * }
 * ```
 *
 * For a stream request the declared reply is the type of each item. A class without the
 * declaration gives `unknown` (narrow it yourself), never `any`.
 */
export type ReplyOf<M> = M extends { readonly __reply?: infer R } ? (unknown extends R ? unknown : Exclude<R, undefined>) : unknown;

/** The optional, type-only member a message class declares to name its reply type (see `ReplyOf`). */
export interface RepliesWith<R> {
  readonly __reply?: R;
}
