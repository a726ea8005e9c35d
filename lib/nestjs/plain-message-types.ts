import { ActorError, ClassValidatorPayloadValidator, ErrorCode } from '../index';
import type { ActonApp, AppExtension, MessageDefinition, MessageRegistry, PayloadValidator } from '../index';

/** The classes `ensurePlainMessageType` made: their payloads are passed on as decoded. */
const plainTypes = new WeakSet<Function>();

/**
 * The message type registered as `name`, adding a plain, constraint-free class for it when the
 * app has none. The IPC listener only routes registered types (docs/protocol.md §3.1 step 7) and
 * decodes payloads through the registry; Nest handlers validate with their own pipes, so their
 * types need no constraints. A type an acton actor already registered keeps its class (and its
 * class-validator checks).
 */
export function ensurePlainMessageType(registry: MessageRegistry, name: string): MessageDefinition {
  const existing = registry.byName(name);
  if (existing) return existing;
  const type = { [name]: class {} }[name]!; // a class named after the wire type, for logs and error_details
  plainTypes.add(type);
  registry.register({ name, type });
  return registry.byName(name)!;
}

/**
 * An app extension that registers the Nest handlers' message types when the app starts,
 * before the IPC listener (the next extension) binds its socket, so no request can arrive for
 * a type that is not registered yet.
 */
export class PlainMessageTypes implements AppExtension {
  readonly kind = 'nestjs-message-types';

  constructor(private readonly names: readonly string[]) {}

  async start(app: ActonApp): Promise<void> {
    for (const name of this.names) ensurePlainMessageType(app.registry, name);
  }

  async drain(): Promise<void> {}

  async stop(): Promise<void> {}
}

/**
 * The payload validator of the app an `ActonTransport` starts for itself: payloads of the Nest
 * handlers' plain types are handed over as decoded (a JSON object; `{}` for none), without
 * class-transformer (Nest pipes do the validating); any other type (an acton `@Message` class of
 * the process) goes through class-transformer + class-validator.
 */
export class PlainPayloadValidator implements PayloadValidator {
  private readonly fallback: PayloadValidator = new ClassValidatorPayloadValidator();

  decode<T>(definition: MessageDefinition<T>, payload: unknown): T | Promise<T> {
    if (!plainTypes.has(definition.type)) return this.fallback.decode(definition, payload);
    if (payload === null || payload === undefined) return {} as T;
    if (typeof payload !== 'object' || Array.isArray(payload)) {
      const got = Array.isArray(payload) ? 'an array' : `a ${typeof payload}`;
      throw new ActorError(
        ErrorCode.SERIALIZATION_ERROR,
        `payload of ${definition.name} must be a JSON object, got ${got}`,
      );
    }
    return payload as T;
  }

  check<T>(definition: MessageDefinition<T>, message: T): void | Promise<void> {
    if (!plainTypes.has(definition.type)) return this.fallback.check(definition, message);
  }
}
