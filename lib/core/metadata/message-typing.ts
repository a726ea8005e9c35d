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
export type ReplyOf<M> = M extends { readonly __reply?: infer R }
  ? unknown extends R
    ? unknown
    : Exclude<R, undefined>
  : unknown;

/** The optional, type-only member a message class declares to name its reply type (see `ReplyOf`). */
export interface RepliesWith<R> {
  readonly __reply?: R;
}

/**
 * Any object but a class: what the instance form of a typed call takes. Without this, a class
 * passed with a props object missing a field would slip through as `(message, options)`.
 */
export type MessageInstance = object & { readonly prototype?: never };

/** A `@Message` class that `new` can build without arguments (what typed asks take). */
export type MessageClass<M extends object = object> = new () => M;

/**
 * The payload fields of a message class's instances, for asks that build the message from its
 * class: `ask(Reserve, { sku: 'w', qty: 2 })`. A field declared `qty!: number` is required, one
 * declared `note?: string` optional; methods and the type-only `__reply` are left out.
 */
export type MessageProps<M> = {
  [K in keyof M as K extends '__reply' ? never : M[K] extends (...args: never[]) => unknown ? never : K]: M[K];
};

/**
 * The message a typed ask sends: a new instance of `type` with `props` copied onto it (so the
 * instance's class names the wire type and its validation rules apply as usual).
 */
export function messageFrom<M extends object>(type: MessageClass<M>, props: MessageProps<M>): M {
  return Object.assign(new type(), props);
}
