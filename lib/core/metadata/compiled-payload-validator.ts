import 'reflect-metadata';
import type { ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { classValidator, validationMetadata } from './class-validator-access';
import { hasTransformMetadata } from './class-transformer-metadata';
import type { MessageDefinition } from './message-metadata';
import { PayloadValidator } from './payload-validator';

/** One `@IsX()`-style constraint, bound to its validator function. */
interface CompiledConstraint {
  readonly metadata: ValidationMetadata;
  readonly validate: (value: unknown, args: ValidationArguments) => unknown;
}

/** Everything checked for one declared property, in class-validator's order. */
interface CompiledProperty {
  readonly name: string;
  /** Reads this property: a function of its own per class field, so its property read stays monomorphic. */
  readonly read: (object: Record<string, unknown>) => unknown;
  /** `@IsOptional()` / `@ValidateIf()`: when one answers false the property is not checked at all. */
  readonly conditions: readonly ((object: object, value: unknown) => unknown)[];
  /** `@IsDefined()` constraints, checked before the others (class-validator's order). */
  readonly defined: readonly CompiledConstraint[];
  readonly constraints: readonly CompiledConstraint[];
}

/** A class whose validation is compiled; `undefined` in the cache means "not compilable". */
interface CompiledClass {
  /** The class's name, as class-validator passes it to constraints (`targetName`). */
  readonly targetName: string;
  readonly properties: readonly CompiledProperty[];
  readonly declared: ReadonlySet<string>;
}

/**
 * A `PayloadValidator` that answers the common case without class-transformer's and
 * class-validator's generic machinery, and hands everything else to the validator it wraps.
 *
 * Per class, once: the class-validator metadata is read and each property's constraints are
 * bound to the constraint's own `validate` function (so any synchronous constraint works,
 * built-in or custom). On each payload, the fast path is taken only when the answer is
 * certainly the same as the wrapped validator's:
 * - the payload is a plain JSON object whose keys are all declared properties and whose
 *   values are all primitives (so class-transformer would just copy them and whitelisting
 *   has nothing to strip);
 * - the class has no class-transformer metadata, no nested / promise / `each` / grouped /
 *   asynchronous constraint, no accessor or method under a declared property name, and its
 *   constructor sets no undeclared property (whitelisting would strip it);
 * - every constraint passes.
 * Anything else — including every failing payload — goes to the wrapped validator, so error
 * texts stay exactly its own. Why: class-validator's `validateSync` alone costs more than the
 * rest of a request's handling (issue 7).
 */
export class CompiledPayloadValidator implements PayloadValidator {
  private readonly compiled = new WeakMap<Function, CompiledClass | null>();
  /** The class asked last and its plan: a run of one message type skips the WeakMap lookup (bench W1). */
  private lastType: Function | undefined = undefined;
  private lastPlan: CompiledClass | null = null;

  /** @param fallback decides every case the fast path does not (e.g. `ClassValidatorPayloadValidator`) */
  constructor(private readonly fallback: PayloadValidator) {}

  /** @inheritdoc */
  decode<T>(definition: MessageDefinition<T>, payload: unknown): T | Promise<T> {
    const plan = this.planOf(definition.type);
    if (plan && isPlainObject(payload) && onlyDeclaredPrimitives(payload, plan.declared)) {
      const instance = new definition.type() as Record<string, unknown>;
      for (const key in payload) instance[key] = payload[key];
      if (passes(plan, instance)) return instance as T;
    }
    return this.fallback.decode(definition, payload);
  }

  /** @inheritdoc */
  check<T>(definition: MessageDefinition<T>, message: T): void | Promise<void> {
    const plan = this.planOf(definition.type);
    const instance = message as unknown as Record<string, unknown>;
    if (
      plan &&
      instance !== null &&
      typeof instance === 'object' &&
      onlyDeclaredPrimitives(instance, plan.declared) &&
      passes(plan, instance)
    )
      return;
    return this.fallback.check(definition, message);
  }

  private planOf(type: Function): CompiledClass | null {
    if (type === this.lastType) return this.lastPlan;
    let plan = this.compiled.get(type);
    if (plan === undefined) {
      plan = compile(type);
      this.compiled.set(type, plan);
    }
    this.lastType = type;
    this.lastPlan = plan;
    return plan;
  }
}

function passes(plan: CompiledClass, instance: Record<string, unknown>): boolean {
  for (const property of plan.properties) {
    const value = property.read(instance);
    let checked = true;
    for (const condition of property.conditions) if (!condition(instance, value)) checked = false;
    if (!checked) continue;
    if (
      !allPass(plan.targetName, property.defined, instance, value) ||
      !allPass(plan.targetName, property.constraints, instance, value)
    )
      return false;
  }
  return true;
}

function allPass(
  targetName: string,
  constraints: readonly CompiledConstraint[],
  object: Record<string, unknown>,
  value: unknown,
): boolean {
  for (const { metadata, validate } of constraints) {
    if (metadata.validateIf && !metadata.validateIf(object, value)) continue;
    const args: ValidationArguments = {
      targetName,
      property: metadata.propertyName,
      object,
      value,
      constraints: metadata.constraints,
    };
    if (validate(value, args) !== true) return false; // a Promise or any falsy/odd answer: let the fallback decide
  }
  return true;
}

/** The class's compiled plan, or `null` when some part of it is not compiled (see the class comment). */
function compile(type: Function): CompiledClass | null {
  const storage = validationMetadata();
  const metadatas = storage?.getTargetValidationMetadatas(type, '', true, false) ?? [];
  if (!storage || metadatas.length === 0) return null; // unconstrained classes: the fallback only instantiates
  const grouped = storage.groupByPropertyName(metadatas);
  const names = Object.keys(grouped);
  if (hasTransformMetadata(type, names) || names.some((name) => shadowedByPrototype(type, name))) return null;
  if (!constructsOnlyDeclared(type, new Set(names))) return null;
  const properties: CompiledProperty[] = [];
  for (const name of names) {
    const property = compileProperty(name, grouped[name]);
    if (!property) return null;
    properties.push(property);
  }
  return { targetName: type.name, properties, declared: new Set(names) };
}

function compileProperty(name: string, metadatas: readonly ValidationMetadata[]): CompiledProperty | null {
  const conditions: ((object: object, value: unknown) => unknown)[] = [];
  const defined: CompiledConstraint[] = [];
  const constraints: CompiledConstraint[] = [];
  const { ValidationTypes } = classValidator();
  for (const metadata of metadatas) {
    if (metadata.each || (metadata.groups?.length ?? 0) > 0) return null;
    switch (metadata.type) {
      case ValidationTypes.WHITELIST:
        break;
      case ValidationTypes.CONDITIONAL_VALIDATION:
        conditions.push(metadata.constraints[0] as (object: object, value: unknown) => unknown);
        break;
      case ValidationTypes.IS_DEFINED:
      case ValidationTypes.CUSTOM_VALIDATION: {
        const bound = bindConstraint(metadata);
        if (!bound) return null;
        (metadata.type === ValidationTypes.IS_DEFINED ? defined : constraints).push(...bound);
        break;
      }
      default:
        return null; // nested and promise validation stay with the fallback
    }
  }
  return { name, read: fieldReader(name), conditions, defined, constraints };
}

/**
 * `(object) => object["<name>"]` with the name as a literal: one generated function per class field,
 * so each read sees one shape (a shared `object[name]` read sees every class's, and goes megamorphic).
 * The name is embedded through `JSON.stringify`, a valid JavaScript string literal for any string.
 */
function fieldReader(name: string): (object: Record<string, unknown>) => unknown {
  return new Function('object', `return object[${JSON.stringify(name)}];`) as (
    object: Record<string, unknown>,
  ) => unknown;
}

function bindConstraint(metadata: ValidationMetadata): CompiledConstraint[] | null {
  const found = classValidator().getMetadataStorage().getTargetValidatorConstraints(metadata.constraintCls);
  if (found.length === 0 || found.some((constraint) => constraint.async)) return null;
  return found.map((constraint) => ({ metadata, validate: constraint.instance.validate.bind(constraint.instance) }));
}

/** A constructor that sets an undeclared property (or throws) is left to the fallback. */
function constructsOnlyDeclared(type: Function, declared: ReadonlySet<string>): boolean {
  try {
    return Object.keys(new (type as new () => object)()).every((key) => declared.has(key));
  } catch {
    return false;
  }
}

/** class-transformer skips a key that is a method or a getter without setter on the prototype. */
function shadowedByPrototype(type: Function, name: string): boolean {
  for (let proto = type.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (Object.getOwnPropertyDescriptor(proto, name)) return true;
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function onlyDeclaredPrimitives(object: Record<string, unknown>, declared: ReadonlySet<string>): boolean {
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key) || !declared.has(key)) return false;
    const value = object[key];
    if (value !== null && typeof value === 'object') return false;
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return false;
  }
  return true;
}
