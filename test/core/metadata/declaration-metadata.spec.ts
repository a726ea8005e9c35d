import 'reflect-metadata';
import { Actor, Inject, Injectable, Message, Module } from 'acton-ts';
import { actorOptionsOf, defaultActorName } from '../../../lib/core/metadata/actor-metadata';
import { constructorTokensOf } from '../../../lib/core/metadata/injection-metadata';
import { messageDefinitionOf } from '../../../lib/core/metadata/message-metadata';
import { moduleMetadataOf } from '../../../lib/core/metadata/module-metadata';

describe('defaultActorName', () => {
  it.each([
    ['PriceFeedActor', 'price_feed'],
    ['Calculator', 'calculator'],
    ['KvStoreActor', 'kv_store'],
    ['HTTPGatewayActor', 'http_gateway'],
    ['Orders2Actor', 'orders2'],
    ['Actor', 'actor'],
  ])('%s → %s', (className, expected) => {
    expect(defaultActorName(className)).toBe(expected);
  });
});

describe('what decorators declare belongs to exactly the decorated class', () => {
  @Message('Base')
  class BaseMessage {}
  class DerivedMessage extends BaseMessage {}

  @Actor({ name: 'parent', mailboxCapacity: 7 })
  class ParentActor {}
  class ChildActor extends ParentActor {}

  @Module({ actors: [ParentActor] })
  class ParentModule {}
  class ChildModule extends ParentModule {}

  it('a subclass without its own @Message is not a message type', () => {
    expect(messageDefinitionOf(BaseMessage)?.name).toBe('Base');
    expect(messageDefinitionOf(DerivedMessage)).toBeUndefined();
  });

  it('a subclass without its own @Actor is not an actor, and @Actor applies defaults', () => {
    expect(actorOptionsOf(ParentActor)).toEqual({ name: 'parent', expose: true, mailboxCapacity: 7 });
    expect(actorOptionsOf(ChildActor)).toBeUndefined();
  });

  it('a subclass without its own @Module declares nothing', () => {
    expect(moduleMetadataOf(ParentModule)).toEqual({ actors: [ParentActor] });
    expect(moduleMetadataOf(ChildModule)).toBeUndefined();
  });
});

describe('injector decorators', () => {
  class Clock {}

  it('@Inject(token) replaces the emitted type of that constructor parameter only', () => {
    @Injectable()
    class Service {
      constructor(
        readonly clock: Clock,
        @Inject('GREETING') readonly greeting: string,
      ) {}
    }
    expect(constructorTokensOf(Service)).toEqual([Clock, 'GREETING']);
  });

  it('@Inject on a method parameter fails at decoration, naming the method', () => {
    expect(() => {
      class Misplaced {
        run(@Inject('X') _x: unknown): void {}
      }
      return Misplaced;
    }).toThrow('@Inject(X) on run: only constructor parameters can be injected');
  });

  it('an undecorated class with constructor parameters cannot be injected, and the error says what to add', () => {
    class Plain {
      constructor(readonly clock: Clock) {}
    }
    expect(() => constructorTokensOf(Plain)).toThrow(/Add @Injectable\(\) \(or @Actor\(\) for an actor\) to Plain/);
  });
});
