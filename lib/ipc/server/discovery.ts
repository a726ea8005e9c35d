import { jsonSchemaOf } from '../../core/metadata/json-schema';
import { MessageRegistry } from '../../core/metadata/message-registry';
import { ActorInfo, DiscoverRequest, DiscoveryResponse, PROTOCOL_VERSION_INFO } from '../protocol/wire-types';
import { ExposedActors } from './exposed-actors';

/**
 * Builds discovery answers (docs/protocol.md §2.7 and our §0 D7 additions). JSON Schemas are derived
 * from the message classes once per set of registered names (cached until a type is added).
 */
export class Discovery {
  private schemaCache?: { readonly count: number; readonly schemas: Record<string, unknown> };

  constructor(
    private readonly actors: ExposedActors,
    private readonly registry: MessageRegistry,
  ) {}

  /**
   * The `0x02` body: `protocol_version` always; `actors` iff `include_actors` (default true),
   * each with `name`, `ern` and (D7) the IPC message types it handles with their kind;
   * `message_types` (every registered name) and (D7) `schemas` iff `include_message_types`.
   * Omitted lists are absent, not `[]`.
   */
  respond(request: DiscoverRequest): DiscoveryResponse {
    return {
      correlation_id: request.correlation_id,
      success: true,
      protocol_version: PROTOCOL_VERSION_INFO,
      ...(request.include_actors === false ? undefined : { actors: this.actorInfos() }),
      ...(request.include_message_types === false
        ? undefined
        : { message_types: this.registry.names(), schemas: this.schemas() }),
    };
  }

  private actorInfos(): ActorInfo[] {
    const infos: ActorInfo[] = [];
    for (const [name, ref] of this.actors.entries()) {
      const messageTypes = ref
        .handlers()
        .filter((handler) => handler.ipc)
        .map((handler) => ({ name: handler.wireName, kind: handler.kind }));
      const parent = ref.parent !== undefined ? { parent: ref.parent } : undefined; // ours, optional (issue 15)
      infos.push({ name, ern: ref.id, message_types: messageTypes, ...parent });
    }
    return infos;
  }

  private schemas(): Record<string, unknown> {
    const definitions = this.registry.definitions();
    if (this.schemaCache?.count === definitions.length) return this.schemaCache.schemas;
    const schemas: Record<string, unknown> = {};
    for (const definition of definitions) schemas[definition.name] = jsonSchemaOf(definition);
    this.schemaCache = { count: definitions.length, schemas };
    return schemas;
  }
}
