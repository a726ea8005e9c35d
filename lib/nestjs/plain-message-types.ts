import type { MessageDefinition } from '../core/metadata/message-definition';
import type { MessageRegistry } from '../core/metadata/message-registry';
import type { ActonApp } from '../core/runtime/acton-app';
import type { AppExtension } from '../core/runtime/app-extension';

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
