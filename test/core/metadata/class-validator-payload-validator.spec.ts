import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Allow,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsString,
  Min,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { ActorError } from '../../../lib/core/errors/actor-error';
import { ClassValidatorPayloadValidator } from '../../../lib/core/metadata/class-validator-payload-validator';
import { Message } from '../../../lib/core/decorators/message.decorator';
import { type MessageDefinition, messageDefinitionOf } from '../../../lib/core/metadata/message-metadata';

@Message('Pair')
class Pair {
  @IsInt() a!: number;
  @IsString() @IsNotEmpty() b!: string;
}

@Message('Line')
class Line {
  @IsString() name!: string;
  @IsInt() @Min(1) qty!: number;
}

@Message('Basket')
class Basket {
  @IsArray() @ValidateNested({ each: true }) @Type(() => Line) lines!: Line[];
  @ValidateNested() @Type(() => Line) main!: Line;
}

@Message('Loose')
class Loose {
  value!: unknown;
}

@Message('Kept')
class Kept {
  @IsInt() n!: number;
  @Allow() extra!: unknown;
}

function IsEvenLater() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isEvenLater',
      target: object.constructor,
      propertyName,
      async: true,
      validator: {
        validate: async (value: unknown) => typeof value === 'number' && value % 2 === 0,
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must be even`,
      },
    });
}

@Message('AsyncChecked')
class AsyncChecked {
  @IsEvenLater() n!: number;
}

const def = <T>(type: new () => T) => messageDefinitionOf(type) as MessageDefinition<T>;

function serializationError(fn: () => unknown): ActorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ActorError);
    expect((err as ActorError).code).toBe('SERIALIZATION_ERROR');
    return err as ActorError;
  }
  throw new Error('expected a SERIALIZATION_ERROR');
}

describe('ClassValidatorPayloadValidator', () => {
  const validator = new ClassValidatorPayloadValidator();

  it('builds a class instance from a valid payload, synchronously', () => {
    const result = validator.decode(def(Pair), { a: 1, b: 'x' });
    expect(result).toBeInstanceOf(Pair);
    expect(result).toEqual(Object.assign(new Pair(), { a: 1, b: 'x' }));
  });

  it('names every failing property and constraint', () => {
    const err = serializationError(() => validator.decode(def(Pair), { a: 1.5, b: '' }));
    expect(err.message).toBe('a: a must be an integer number (isInt); b: b should not be empty (isNotEmpty)');
  });

  it('says a missing field is required, with the constraints it must meet', () => {
    const err = serializationError(() => validator.decode(def(Pair), { b: 'x' }));
    expect(err.message).toBe('a: a is required (isInt)');
    const nested = serializationError(() =>
      validator.decode(def(Basket), { lines: [{ name: 'ok' }], main: { name: 'm', qty: 1 } }),
    );
    expect(nested.message).toBe('lines.0.qty: qty is required (min, isInt)');
  });

  it('uses dotted paths for nested and array members', () => {
    const err = serializationError(() =>
      validator.decode(def(Basket), {
        lines: [
          { name: 'ok', qty: 1 },
          { name: 5, qty: 0 },
        ],
        main: { name: 'm', qty: 'x' },
      }),
    );
    expect(err.message).toContain('lines.1.name: name must be a string (isString)');
    expect(err.message).toContain('lines.1.qty: qty must not be less than 1 (min)');
    expect(err.message).toContain('main.qty: qty must be an integer number (isInt)');
  });

  it('turns nested payload objects into instances of their @Type class', () => {
    const basket = validator.decode(def(Basket), {
      lines: [{ name: 'a', qty: 2 }],
      main: { name: 'b', qty: 3 },
    }) as Basket;
    expect(basket.lines[0]).toBeInstanceOf(Line);
    expect(basket.main).toBeInstanceOf(Line);
  });

  it.each([
    [5, 'a number'],
    ['text', 'a string'],
    [[1, 2], 'an array'],
    [null, 'null'],
  ])('rejects a payload that is not an object (%p) with a clear detail', (payload, got) => {
    const err = serializationError(() => validator.decode(def(Pair), payload));
    expect(err.message).toBe(`payload of Pair must be a JSON object, got ${got}`);
  });

  it('strips undeclared properties by default and keeps @Allow ones', () => {
    const kept = validator.decode(def(Kept), { n: 1, extra: { any: true }, sneaky: 1 });
    expect(kept).toEqual(Object.assign(new Kept(), { n: 1, extra: { any: true } }));
  });

  it('rejects undeclared properties with forbidNonWhitelisted', () => {
    const strict = new ClassValidatorPayloadValidator({ forbidNonWhitelisted: true });
    const err = serializationError(() => strict.decode(def(Kept), { n: 1, sneaky: 1 }));
    expect(err.message).toBe('sneaky: property sneaky should not exist (whitelistValidation)');
  });

  it('keeps everything when whitelisting is off', () => {
    const open = new ClassValidatorPayloadValidator({ whitelist: false });
    expect(open.decode(def(Kept), { n: 1, sneaky: 1 })).toEqual(Object.assign(new Kept(), { n: 1, sneaky: 1 }));
  });

  it('does not validate (or strip) classes that declare no constraints, and accepts null for them', () => {
    expect(validator.decode(def(Loose), { value: [1, 2] })).toEqual(Object.assign(new Loose(), { value: [1, 2] }));
    expect(validator.decode(def(Loose), null)).toBeInstanceOf(Loose);
  });

  it('checks in-process instances with the same rules', () => {
    expect(() => validator.check(def(Pair), Object.assign(new Pair(), { a: 1, b: 'b' }))).not.toThrow();
    const err = serializationError(() => validator.check(def(Pair), Object.assign(new Pair(), { a: 'no', b: 'b' })));
    expect(err.message).toBe('a: a must be an integer number (isInt)');
  });

  it('returns a Promise only for classes with asynchronous constraints', async () => {
    const ok = validator.decode(def(AsyncChecked), { n: 2 });
    expect(ok).toBeInstanceOf(Promise);
    await expect(ok).resolves.toBeInstanceOf(AsyncChecked);
    await expect(validator.decode(def(AsyncChecked), { n: 3 })).rejects.toMatchObject({
      code: 'SERIALIZATION_ERROR',
      message: 'n: n must be even (isEvenLater)',
    });
  });
});
