import type { MessageDefinition } from './message-metadata';

/**
 * Turns payloads into validated message instances. The default implementation uses
 * class-transformer + class-validator (`ClassValidatorPayloadValidator`); a faster one (e.g.
 * compiled validators) can replace it through `bootstrap(..., { validator })` without touching
 * the rest of the framework.
 *
 * Both methods return synchronously unless the class has asynchronous constraints, so the hot
 * path allocates no Promise.
 */
export interface PayloadValidator {
  /**
   * Builds an instance of `definition.type` from a decoded wire payload and validates it.
   * @throws ActorError `SERIALIZATION_ERROR` whose message lists each failing property path and
   *   constraint, e.g. `a: a must be an integer number (isInt)`; the IPC layer prefixes it with
   *   `Serialization error: ` (docs/protocol.md §4). A returned Promise rejects the same way.
   */
  decode<T>(definition: MessageDefinition<T>, payload: unknown): T | Promise<T>;
  /**
   * Validates an instance created in-process (e.g. passed to `app.ask`). May strip properties
   * that are not declared when whitelisting is on.
   * @throws ActorError `SERIALIZATION_ERROR` as for `decode`
   */
  check<T>(definition: MessageDefinition<T>, message: T): void | Promise<void>;
}

/** Options of the default, class-validator based `PayloadValidator`. */
export interface ValidationOptions {
  /** Strip properties without any class-validator decorator (use `@Allow()` to keep one); default true. */
  readonly whitelist?: boolean;
  /** With `whitelist`, reject undeclared properties instead of stripping them; default false. */
  readonly forbidNonWhitelisted?: boolean;
}
