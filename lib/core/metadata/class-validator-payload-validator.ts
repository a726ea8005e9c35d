import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import type { ValidationError, ValidatorOptions } from 'class-validator';
import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { classValidator, validationMetadata } from './class-validator-access';
import { nestedTypeOf } from './class-transformer-metadata';
import type { MessageDefinition } from './message-metadata';
import { PayloadValidator, ValidationOptions } from './payload-validator';

/** What is known about validating one class, computed once. */
interface ValidationPlan {
  /** The class (or a base class) declares class-validator constraints. */
  readonly constrained: boolean;
  /** Some constraint (possibly of a nested class) is asynchronous: validation needs `validate()`. */
  readonly async: boolean;
}

/**
 * The default `PayloadValidator`: class-transformer's `plainToInstance` (honouring `@Type` for
 * nested classes), then class-validator.
 *
 * - Classes without any class-validator decorator are not validated (nothing is declared, so
 *   nothing would be checked and whitelisting would strip every property); their payloads are
 *   only turned into instances.
 * - `validateSync` is used unless the class has asynchronous constraints, so the hot path
 *   creates no Promise.
 * - A payload that is not a JSON object fails with a detail naming the class and what was sent;
 *   `null`/absent payloads are accepted only for classes with no constraints (unit messages).
 */
export class ClassValidatorPayloadValidator implements PayloadValidator {
  private readonly plans = new WeakMap<Function, ValidationPlan>();
  private readonly validatorOptions: ValidatorOptions;

  /** @param options `whitelist` (default true) and `forbidNonWhitelisted` (default false) */
  constructor(options: ValidationOptions = {}) {
    this.validatorOptions = {
      whitelist: options.whitelist ?? true,
      forbidNonWhitelisted: options.forbidNonWhitelisted ?? false,
      forbidUnknownValues: false,
      // The value lets formatValidationErrors tell a missing field ("is required") from a wrong one.
      validationError: { target: false, value: true },
    };
  }

  /** @inheritdoc */
  decode<T>(definition: MessageDefinition<T>, payload: unknown): T | Promise<T> {
    const plan = this.planOf(definition.type);
    if (payload === null || payload === undefined) {
      if (plan.constrained) throw notAnObject(definition, payload);
      return new definition.type();
    }
    if (typeof payload !== 'object' || Array.isArray(payload)) throw notAnObject(definition, payload);
    const instance = plainToInstance(definition.type, payload as object) as T;
    if (!plan.constrained) return instance;
    if (plan.async) return this.validateAsync(instance as object).then(() => instance);
    this.validateNow(instance as object);
    return instance;
  }

  /** @inheritdoc */
  check<T>(definition: MessageDefinition<T>, message: T): void | Promise<void> {
    const plan = this.planOf(definition.type);
    if (!plan.constrained) return;
    if (plan.async) return this.validateAsync(message as object);
    this.validateNow(message as object);
  }

  private validateNow(instance: object): void {
    const errors = classValidator().validateSync(instance, this.validatorOptions);
    if (errors.length > 0) throw invalid(errors);
  }

  private async validateAsync(instance: object): Promise<void> {
    const errors = await classValidator().validate(instance, this.validatorOptions);
    if (errors.length > 0) throw invalid(errors);
  }

  private planOf(type: Function): ValidationPlan {
    let plan = this.plans.get(type);
    if (!plan) {
      plan = { constrained: constraintsOf(type).length > 0, async: hasAsyncConstraints(type, new Set()) };
      this.plans.set(type, plan);
    }
    return plan;
  }
}

function constraintsOf(type: Function) {
  return validationMetadata()?.getTargetValidationMetadatas(type, '', true, false) ?? [];
}

function hasAsyncConstraints(type: Function, seen: Set<Function>): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  return constraintsOf(type).some((metadata) => {
    if (metadata.type === 'nestedValidation') {
      const nested = nestedTypeOf(type, metadata.propertyName);
      return nested !== undefined && hasAsyncConstraints(nested, seen);
    }
    return (
      metadata.constraintCls !== undefined &&
      validationMetadata()!
        .getTargetValidatorConstraints(metadata.constraintCls)
        .some((c) => c.async)
    );
  });
}

function invalid(errors: readonly ValidationError[]): ActorError {
  return new ActorError(ErrorCode.SERIALIZATION_ERROR, formatValidationErrors(errors));
}

function notAnObject(definition: MessageDefinition, payload: unknown): ActorError {
  const got =
    payload === null
      ? 'null'
      : Array.isArray(payload)
        ? 'an array'
        : payload === undefined
          ? 'no payload'
          : `a ${typeof payload}`;
  return new ActorError(
    ErrorCode.SERIALIZATION_ERROR,
    `payload of ${definition.name} must be a JSON object, got ${got}`,
  );
}

/**
 * One line per failing constraint, `path: message (constraint)`, joined with `; `.
 * Nested properties use dotted paths (`items.0.name: name must be a string (isString)`).
 * A field that is absent from the payload gets one line saying so, with the constraints it
 * must meet, rather than every constraint's complaint about `undefined`.
 * @example `a: a must be an integer number (isInt); b: b should not be empty (isNotEmpty)`
 * @example `qty: qty is required (isInt, min)`
 */
function formatValidationErrors(errors: readonly ValidationError[]): string {
  const lines: string[] = [];
  for (const error of errors) collect(error, '', lines);
  return lines.join('; ');
}

function collect(error: ValidationError, parent: string, lines: string[]): void {
  const path = parent ? `${parent}.${error.property}` : error.property;
  const constraints = Object.keys(error.constraints ?? {});
  if ('value' in error && error.value === undefined && constraints.length > 0) {
    lines.push(`${path}: ${error.property} is required (${constraints.join(', ')})`);
    return;
  }
  for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
    lines.push(`${path}: ${message} (${constraint})`);
  }
  for (const child of error.children ?? []) collect(child, path, lines);
}
