import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Message } from '../../../lib/core/decorators/message.decorator';
import { ClassValidatorPayloadValidator } from '../../../lib/core/metadata/class-validator-payload-validator';
import { MessageRegistry } from '../../../lib/core/metadata/message-registry';
import { messageDefinitionOf } from '../../../lib/core/metadata/message-metadata';

@Message('SumResult')
class SumResult {
  sum!: number;
}

@Message('Sum', { reply: SumResult })
class Sum {
  @IsInt() a!: number;
}

@Message()
class DefaultNamed {}

@Message('Sum')
class OtherSum {}

class NotAMessage {}

class NoReplyDecorator {}
@Message('BadReply', { reply: NoReplyDecorator })
class BadReply {}

// A reply cycle cannot be written directly (a class must exist before it is named), so the
// first class's metadata is completed afterwards.
@Message('Question')
class Question {}
@Message('Answer', { reply: Question })
class Answer {}
Reflect.defineMetadata('acton:message', { name: 'Question', type: Question, reply: Answer }, Question);

const newRegistry = () => new MessageRegistry(new ClassValidatorPayloadValidator());

describe('MessageRegistry', () => {
  it('maps wire names to classes and their reply classes', () => {
    const registry = newRegistry();
    registry.register(messageDefinitionOf(Sum)!);
    expect(registry.byName('Sum')).toEqual({ name: 'Sum', type: Sum, reply: SumResult });
    expect(registry.byName('SumResult')?.type).toBe(SumResult);
    expect(registry.byType(Sum)?.name).toBe('Sum');
    expect(registry.names().sort()).toEqual(['Sum', 'SumResult']);
  });

  it('registers classes that name each other as replies without looping', () => {
    const registry = newRegistry();
    registry.register(messageDefinitionOf(Answer)!);
    expect(registry.byName('Question')?.reply).toBe(Answer);
    expect(registry.byName('Answer')?.reply).toBe(Question);
  });

  it('defaults the wire name to the class name', () => {
    expect(messageDefinitionOf(DefaultNamed)?.name).toBe('DefaultNamed');
  });

  it('refuses a second class under the same wire name, naming both', () => {
    const registry = newRegistry();
    registry.register(messageDefinitionOf(Sum)!);
    expect(() => registry.register(messageDefinitionOf(OtherSum)!)).toThrow(
      "Duplicate message wire name 'Sum': used by Sum and OtherSum; give one of them another name in @Message('...')",
    );
  });

  it('refuses a reply class that is not a @Message class', () => {
    expect(() => newRegistry().register(messageDefinitionOf(BadReply)!)).toThrow(
      /names NoReplyDecorator as its reply.*decorate NoReplyDecorator with @Message\(\)/,
    );
  });

  it('adopts other decorated classes whose names are free and reports the ones left out', () => {
    const registry = newRegistry();
    registry.register(messageDefinitionOf(Sum)!);
    const leftOut = registry.adoptDecorated();
    expect(leftOut.map((d) => d.type)).toEqual([OtherSum]);
    expect(registry.byName('DefaultNamed')?.type).toBe(DefaultNamed);
    expect(registry.byType(OtherSum)).toBeUndefined();
    expect(registry.unregisteredReason(OtherSum)).toBe(
      "OtherSum's wire name 'Sum' is already registered for another class, Sum; rename one of them",
    );
    expect(registry.unregisteredReason(NotAMessage)).toBe(
      'NotAMessage is not a @Message class; decorate it with @Message()',
    );
  });

  it('decodes a payload by wire name, and rejects unknown names with UNKNOWN_MESSAGE_TYPE', () => {
    const registry = newRegistry();
    registry.register(messageDefinitionOf(Sum)!);
    expect(registry.decode('Sum', { a: 3 })).toEqual(Object.assign(new Sum(), { a: 3 }));
    expect(() => registry.decode('Nope', {})).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_MESSAGE_TYPE', message: 'Unknown message type: Nope' }),
    );
    expect(() => registry.decode('Sum', { a: 'x' })).toThrow(
      expect.objectContaining({ code: 'SERIALIZATION_ERROR', message: 'a: a must be an integer number (isInt)' }),
    );
  });
});
