/** A message class as registered by `@Message`. */
export interface MessageDefinition<T = unknown> {
  /** Wire name (`message_type` on the wire). */
  readonly name: string;
  /** The decorated class. */
  readonly type: new (...args: any[]) => T;
  /** The reply class given as `@Message(name, { reply })`, when there is one. */
  readonly reply?: new (...args: any[]) => unknown;
}
