import type { DiscoveryResponse } from '../ipc/protocol';

interface JsonSchemaLike {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchemaLike>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchemaLike;
  readonly enum?: readonly unknown[];
}

/**
 * A discovery response as text for people: the protocol line, one row per message type of each
 * exposed actor (actor, type, kind, fields from the JSON Schema: `name: type`, `?` when optional),
 * then the registered types no actor handles over IPC (replies, broadcasts). Servers that do not
 * report `message_types` per actor (the reference) get one row per actor.
 */
export function formatDiscoveryTable(discovery: DiscoveryResponse): string[] {
  const lines: string[] = [];
  const version = discovery.protocol_version;
  if (version) {
    const capabilities = Object.entries(version.capabilities ?? {})
      .filter(([, on]) => on)
      .map(([name]) => name);
    lines.push(`protocol ${version.description} (capabilities: ${capabilities.join(', ') || 'none'})`, '');
  }
  const schemas = (discovery.schemas ?? {}) as Record<string, JsonSchemaLike>;
  const rows: string[][] = [['ACTOR', 'MESSAGE TYPE', 'KIND', 'FIELDS']];
  const handled = new Set<string>();
  for (const actor of [...(discovery.actors ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
    const types = actor.message_types ?? [];
    if (types.length === 0) rows.push([actor.name, '-', '-', '']);
    types.forEach((type, index) => {
      handled.add(type.name);
      rows.push([index === 0 ? actor.name : '', type.name, type.kind, fieldsOf(schemas[type.name])]);
    });
  }
  lines.push(...(rows.length > 1 ? alignColumns(rows) : ['(no exposed actors)']));
  const others = [...(discovery.message_types ?? [])].filter((name) => !handled.has(name)).sort();
  if (others.length > 0) {
    lines.push('', 'Other registered message types (replies, broadcasts):');
    lines.push(
      ...alignColumns([['MESSAGE TYPE', 'FIELDS'], ...others.map((name) => [name, fieldsOf(schemas[name])])]).map(
        (line) => `  ${line}`,
      ),
    );
  }
  return lines;
}

/** `a: integer, b?: string` from an object schema; empty when unknown. */
function fieldsOf(schema: JsonSchemaLike | undefined): string {
  if (!schema?.properties) return '';
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties)
    .map(([name, property]) => `${name}${required.has(name) ? '' : '?'}: ${typeOf(property)}`)
    .join(', ');
}

function typeOf(schema: JsonSchemaLike): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  return typeof schema.type === 'string' ? schema.type : 'any';
}

function alignColumns(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd(),
  );
}
