import 'reflect-metadata';
import fc from 'fast-check';
import { Expose, Type } from 'class-transformer';
import {
  Allow,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Message } from '../../../lib/core/decorators/message.decorator';
import { ClassValidatorPayloadValidator } from '../../../lib/core/metadata/class-validator-payload-validator';
import { CompiledPayloadValidator } from '../../../lib/core/metadata/compiled-payload-validator';
import { type MessageDefinition, messageDefinitionOf } from '../../../lib/core/metadata/message-metadata';
import { PayloadValidator } from '../../../lib/core/metadata/payload-validator';

@Message('CvAdd')
class Add {
  @IsInt() a!: number;
  @IsInt() b!: number;
}

@Message('CvOrder')
class Order {
  @IsString() @MaxLength(8) symbol!: string;
  @IsInt() @Min(1) @Max(1000) quantity!: number;
  @IsOptional() @IsNumber() limit?: number;
  @IsIn(['buy', 'sell']) side!: string;
  @IsBoolean() @ValidateIf((o: Order) => o.side === 'sell') short!: boolean;
  @IsDefined() @Allow() note!: unknown;
}

function IsEven() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isEven',
      target: object.constructor,
      propertyName,
      validator: { validate: (value: unknown) => typeof value === 'number' && value % 2 === 0 },
    });
}

@Message('CvEven')
class Even {
  @IsEven() n!: number;
}

@Message('CvDefaults')
class WithDefault {
  @IsInt() n!: number;
  hidden = 'set by the constructor';
}

@Message('CvExposed')
class Exposed {
  @Expose({ name: 'x' }) @IsInt() n!: number;
}

@Message('CvNested')
class Nested {
  @ValidateNested() @Type(() => Add) add!: Add;
}

/** Field names that are no identifiers: quotes, a backslash, a newline, a line separator. */
@Message('CvOddNames')
class OddNames {
  @IsInt() @Min(1) 'it\'s "odd"\\\n'!: number;
  @IsString() 'a\u2028b'!: string;
}

const definition = <T>(type: new () => T): MessageDefinition<T> => messageDefinitionOf(type) as MessageDefinition<T>;

/** What a validator did with a payload: the instance (class and own properties) or the error text. */
function outcome(run: () => unknown): { instance?: { type: string; props: Record<string, unknown> }; error?: string } {
  try {
    const value = run() as object;
    return { instance: { type: value.constructor.name, props: { ...value } } };
  } catch (err) {
    return { error: `${(err as { code?: string }).code}: ${(err as Error).message}` };
  }
}

const primitive = fc.oneof(
  fc.integer({ min: -5, max: 2000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 10 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('buy', 'sell'),
);
const anyValue = fc.oneof(
  primitive,
  fc.array(primitive, { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), primitive, { maxKeys: 2 }),
);
const keys = ['a', 'b', 'n', 'x', 'symbol', 'quantity', 'limit', 'side', 'short', 'note', 'add', 'hidden', 'other'];
const payload = fc.oneof(fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 7 }), anyValue);

/** A CompiledPayloadValidator over a class-validator fallback that counts the payloads it decodes. */
function countingFallback() {
  const reference = new ClassValidatorPayloadValidator();
  let calls = 0;
  const counting: PayloadValidator = {
    decode: <T>(d: MessageDefinition<T>, p: unknown) => (calls++, reference.decode(d, p)),
    check: () => undefined,
  };
  return { reference, compiled: new CompiledPayloadValidator(counting), fallbackCalls: () => calls };
}

describe('CompiledPayloadValidator: the same answers as class-validator, faster', () => {
  for (const options of [{}, { whitelist: false }, { forbidNonWhitelisted: true }]) {
    it(`decodes every payload exactly as ClassValidatorPayloadValidator does (${JSON.stringify(options)})`, () => {
      const reference = new ClassValidatorPayloadValidator(options);
      const compiled = new CompiledPayloadValidator(new ClassValidatorPayloadValidator(options));
      const types = [Add, Order, Even, WithDefault, Exposed, Nested];
      fc.assert(
        fc.property(fc.constantFrom(...types), payload, (type, body) => {
          const def = definition(type as new () => object);
          const copy = () => JSON.parse(JSON.stringify(body ?? null));
          expect(outcome(() => compiled.decode(def, copy()))).toEqual(outcome(() => reference.decode(def, copy())));
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('answers valid payloads itself, without calling the wrapped validator', () => {
    const { reference, compiled, fallbackCalls } = countingFallback();
    const validOrder = fc.record(
      {
        symbol: fc.string({ maxLength: 8 }),
        quantity: fc.integer({ min: 1, max: 1000 }),
        limit: fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true })),
        side: fc.constant('buy'),
        short: fc.boolean(),
        note: fc.oneof(fc.string(), fc.integer()),
      },
      { requiredKeys: ['symbol', 'quantity', 'side', 'note'] },
    );
    fc.assert(
      fc.property(validOrder, (body) => {
        expect(outcome(() => compiled.decode(definition(Order), { ...body }))).toEqual(
          outcome(() => reference.decode(definition(Order), { ...body })),
        );
      }),
      { numRuns: 500 },
    );
    expect(fallbackCalls()).toBe(0);
  });

  it('reads fields whose names are no identifiers (quotes, backslash, newlines) on the fast path', () => {
    const { compiled, fallbackCalls } = countingFallback();
    const odd = compiled.decode(definition(OddNames), { 'it\'s "odd"\\\n': 2, 'a\u2028b': 'x' });
    expect(odd).toEqual(Object.assign(new OddNames(), { 'it\'s "odd"\\\n': 2, 'a\u2028b': 'x' }));
    expect(fallbackCalls()).toBe(0);
    expect(() => compiled.decode(definition(OddNames), { 'it\'s "odd"\\\n': 0, 'a\u2028b': 'x' })).toThrow(/min/);
    expect(fallbackCalls()).toBe(1);
  });

  it('accepts a valid AddRequest-like payload as an instance of its class', () => {
    const compiled = new CompiledPayloadValidator(new ClassValidatorPayloadValidator());
    const add = compiled.decode(definition(Add), { a: 5, b: 3 });
    expect(add).toBeInstanceOf(Add);
    expect(add).toEqual(Object.assign(new Add(), { a: 5, b: 3 }));
  });

  it("reports a failing payload with class-validator's own text", () => {
    const compiled = new CompiledPayloadValidator(new ClassValidatorPayloadValidator());
    expect(() => compiled.decode(definition(Add), { a: 'five', b: 3 })).toThrow(
      /a: a must be an integer number \(isInt\)/,
    );
    expect(() => compiled.decode(definition(Even), { n: 3 })).toThrow(/isEven/);
  });

  it('checks in-process messages like class-validator, stripping undeclared properties through the fallback', () => {
    const compiled = new CompiledPayloadValidator(new ClassValidatorPayloadValidator());
    expect(() => compiled.check(definition(Add), Object.assign(new Add(), { a: 1, b: 2 }))).not.toThrow();
    expect(() => compiled.check(definition(Add), Object.assign(new Add(), { a: 1.5, b: 2 }))).toThrow(/isInt/);
    const extra = Object.assign(new Add(), { a: 1, b: 2, junk: true });
    compiled.check(definition(Add), extra);
    expect(extra).toEqual(Object.assign(new Add(), { a: 1, b: 2 }));
  });
});
