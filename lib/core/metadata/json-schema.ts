import 'reflect-metadata';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { designTypeOf, nestedTypeOf } from './class-transformer-metadata';
import { validationMetadata } from './class-validator-access';
import type { MessageDefinition } from './message-metadata';

/** A JSON Schema (draft 2020-12) document or sub-schema. */
export interface JsonSchema {
  $schema?: string;
  title?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  [keyword: string]: unknown;
}

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * A JSON Schema for a message class, derived from its class-validator decorators, for IPC
 * discovery's `schemas` (docs/protocol.md §0 D7). Only decorated properties are listed.
 *
 * Mapping: IsInt→integer, IsNumber→number, IsString→string, IsBoolean→boolean, IsArray→array,
 * IsObject→object, Min/Max→minimum/maximum, IsPositive/IsNegative→exclusiveMinimum/Maximum 0,
 * IsIn/IsEnum→enum, Equals→const, Length/MinLength/MaxLength→minLength/maxLength,
 * ArrayMinSize/ArrayMaxSize/ArrayNotEmpty→minItems/maxItems, IsNotEmpty on strings→minLength 1,
 * Matches→pattern, IsEmail/IsUUID/IsUrl/IsDateString→format; `each: true` constraints apply to
 * `items`; ValidateNested + @Type → the nested class's schema (inline; a class nested in itself
 * becomes `{ type: 'object' }`). IsOptional / ValidateIf / @Allow-only properties are not required.
 * Unknown constraints are ignored. Never throws for a decorated class.
 */
export function jsonSchemaOf(definition: MessageDefinition): JsonSchema {
  return { $schema: DRAFT, title: definition.name, ...objectSchema(definition.type, new Set()) };
}

function objectSchema(type: Function, enclosing: ReadonlySet<Function>): JsonSchema {
  if (enclosing.has(type)) return { type: 'object' };
  const inside = new Set(enclosing).add(type);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of validationMetadata()?.getTargetValidationMetadatas(type, '', true, false) ?? []) {
    const list = byProperty.get(metadata.propertyName) ?? [];
    list.push(metadata);
    byProperty.set(metadata.propertyName, list);
  }
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [property, metadatas] of byProperty) {
    properties[property] = propertySchema(type, property, metadatas, inside);
    if (isRequired(metadatas)) required.push(property);
  }
  return { type: 'object', properties, required };
}

function isRequired(metadatas: readonly ValidationMetadata[]): boolean {
  if (metadatas.some((m) => m.type === 'conditionalValidation')) return false;
  return metadatas.some((m) => m.type !== 'whitelistValidation');
}

function propertySchema(
  owner: Function,
  property: string,
  metadatas: readonly ValidationMetadata[],
  inside: ReadonlySet<Function>,
): JsonSchema {
  const schema: JsonSchema = {};
  const items: JsonSchema = {};
  let eachUsed = false;
  for (const metadata of metadatas) {
    if (metadata.type === 'nestedValidation') {
      eachUsed = applyNested(owner, property, metadata, schema, items, inside) || eachUsed;
    } else if (metadata.name) {
      const target = metadata.each ? items : schema;
      eachUsed = metadata.each || eachUsed;
      applyConstraint(metadata.name, metadata.constraints ?? [], target, schema);
    }
  }
  if (eachUsed) schema.type = 'array';
  if (schema.type === undefined) schema.type = fallbackType(designTypeOf(owner, property));
  if (schema.type === undefined) delete schema.type;
  if (schema.type === 'array' && Object.keys(items).length > 0) schema.items = { ...items, ...(schema.items ?? {}) };
  finishNotEmpty(schema);
  if (schema.items) finishNotEmpty(schema.items);
  return schema;
}

/** Returns true when the nested schema went into `items` (an array of nested objects). */
function applyNested(
  owner: Function,
  property: string,
  metadata: ValidationMetadata,
  schema: JsonSchema,
  items: JsonSchema,
  inside: ReadonlySet<Function>,
): boolean {
  const nested = nestedTypeOf(owner, property);
  const nestedSchema = nested ? objectSchema(nested, inside) : { type: 'object' as const };
  if (metadata.each || designTypeOf(owner, property) === Array) {
    Object.assign(items, nestedSchema);
    return true;
  }
  Object.assign(schema, nestedSchema);
  return false;
}

/** Keyword mapping of one class-validator constraint; `parent` is the property schema (for array sizes). */
/** Constraints that fix the value's JSON type, and for strings possibly its `format`. */
const TYPE_CONSTRAINTS: Readonly<Record<string, Pick<JsonSchema, 'type' | 'format'>>> = {
  isInt: { type: 'integer' },
  isString: { type: 'string' },
  isBoolean: { type: 'boolean' },
  isArray: { type: 'array' },
  isObject: { type: 'object' },
  isEmail: { type: 'string', format: 'email' },
  isUuid: { type: 'string', format: 'uuid' },
  isUrl: { type: 'string', format: 'uri' },
  isDateString: { type: 'string', format: 'date-time' },
  isISO8601: { type: 'string', format: 'date-time' },
};

/** Constraints whose first argument is a numeric keyword of the property (or, for arrays, of its parent). */
const NUMERIC_KEYWORDS: Readonly<Record<string, { keyword: string; onParent?: boolean }>> = {
  min: { keyword: 'minimum' },
  max: { keyword: 'maximum' },
  minLength: { keyword: 'minLength' },
  maxLength: { keyword: 'maxLength' },
  arrayMinSize: { keyword: 'minItems', onParent: true },
  arrayMaxSize: { keyword: 'maxItems', onParent: true },
};

function applyConstraint(name: string, constraints: readonly unknown[], target: JsonSchema, parent: JsonSchema): void {
  const [first, second] = constraints;
  const typed = TYPE_CONSTRAINTS[name];
  if (typed !== undefined) {
    Object.assign(target, typed);
    return;
  }
  const numeric = NUMERIC_KEYWORDS[name];
  if (numeric !== undefined) {
    const schema = numeric.onParent ? parent : target;
    schema[numeric.keyword] = first as number;
    if (numeric.onParent) parent.type = 'array';
    return;
  }
  switch (name) {
    case 'isNumber':
      if (target.type !== 'integer') target.type = 'number';
      break;
    case 'isPositive':
      target.exclusiveMinimum = 0;
      break;
    case 'isNegative':
      target.exclusiveMaximum = 0;
      break;
    case 'isIn':
      target.enum = [...(first as unknown[])];
      break;
    case 'isEnum':
      target.enum = Array.isArray(second) ? [...second] : enumValues(first);
      break;
    case 'equals':
      target.const = first;
      break;
    case 'isLength':
      lengthBounds(target, first, second);
      break;
    case 'arrayNotEmpty':
      parent.minItems = Math.max(1, parent.minItems ?? 0);
      parent.type = 'array';
      break;
    case 'isNotEmpty':
      target['x-notEmpty'] = true;
      break;
    case 'matches':
      target.pattern = first instanceof RegExp ? first.source : String(first);
      break;
    default:
      break;
  }
}

function lengthBounds(target: JsonSchema, min: unknown, max: unknown): void {
  if (typeof min === 'number') target.minLength = min;
  if (typeof max === 'number') target.maxLength = max;
}

/** `IsNotEmpty` means minLength 1 for strings; elsewhere it has no JSON Schema keyword. */
function finishNotEmpty(schema: JsonSchema): void {
  if (!schema['x-notEmpty']) return;
  delete schema['x-notEmpty'];
  if (schema.type === 'string') schema.minLength = Math.max(1, schema.minLength ?? 0);
}

function enumValues(entity: unknown): unknown[] {
  if (!entity || typeof entity !== 'object') return [];
  const record = entity as Record<string, unknown>;
  // Numeric TypeScript enums also map value → key; keep only the values.
  return Object.keys(record)
    .filter((key) => typeof record[record[key] as string] !== 'number')
    .map((key) => record[key]);
}

function fallbackType(designType: Function | undefined): JsonSchema['type'] {
  if (designType === Number) return 'number';
  if (designType === String) return 'string';
  if (designType === Boolean) return 'boolean';
  if (designType === Array) return 'array';
  return undefined;
}
