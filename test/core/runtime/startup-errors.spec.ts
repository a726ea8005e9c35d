import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Actor, Message, Module, OnMessage } from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';

// This file declares two classes with the same wire name on purpose; it is kept apart so the
// process-wide @Message catalogue of other test files stays clean.
@Message('Order')
class RetailOrder {
  @IsInt() qty!: number;
}

@Message('Order')
class WholesaleOrder {
  @IsInt() pallets!: number;
}

interface NotAClass {
  qty: number;
}

class Undecorated {
  qty!: number;
}

@Actor('retail')
class RetailActor {
  @OnMessage()
  place(msg: RetailOrder): number {
    return msg.qty;
  }
}

@Actor('wholesale')
class WholesaleActor {
  @OnMessage()
  place(msg: WholesaleOrder): number {
    return msg.pallets;
  }
}

describe('startup errors', () => {
  it('refuses two message classes with one wire name, naming both', async () => {
    @Module({ actors: [RetailActor, WholesaleActor] })
    class Clash {}
    await expect(createTestingApp(Clash)).rejects.toThrow(
      "Duplicate message wire name 'Order': used by RetailOrder and WholesaleOrder; give one of them another name in @Message('...')",
    );
  });

  it('still starts an app that uses only one of the clashing classes', async () => {
    @Module({ actors: [WholesaleActor] })
    class NoClash {}
    const app = await createTestingApp(NoClash);
    try {
      await expect(app.ask('wholesale', Object.assign(new WholesaleOrder(), { pallets: 2 }))).resolves.toBe(2);
      expect(app.registry.byName('Order')?.type).toBe(WholesaleOrder);
    } finally {
      await app.close();
    }
  });

  it('names class and method when a handler parameter type is not known at run time', async () => {
    @Actor('typeless')
    class TypelessActor {
      @OnMessage()
      handle(msg: NotAClass): number {
        return msg.qty;
      }
    }
    @Module({ actors: [TypelessActor] })
    class Typeless {}
    await expect(createTestingApp(Typeless)).rejects.toThrow(
      /^Cannot resolve the message class of TypelessActor\.handle\(\): its first parameter's type is not known at run time/,
    );
  });

  it('names class, method and message class when it is not a @Message class', async () => {
    @Actor('plain')
    class PlainActor {
      @OnMessage()
      handle(msg: Undecorated): number {
        return msg.qty;
      }
    }
    @Module({ actors: [PlainActor] })
    class Plain {}
    await expect(createTestingApp(Plain)).rejects.toThrow(
      'PlainActor.handle() handles Undecorated, which is not a @Message class: decorate Undecorated with @Message(), or name the message class with @OnMessage({ type: SomeMessage })',
    );
  });

  it('accepts an explicit type (also as a thunk) when the parameter type cannot be read', async () => {
    @Actor('explicit')
    class ExplicitActor {
      @OnMessage({ type: () => RetailOrder })
      handle(msg: NotAClass): number {
        return msg.qty * 2;
      }
    }
    @Module({ actors: [ExplicitActor] })
    class Explicit {}
    const app = await createTestingApp(Explicit);
    try {
      await expect(app.ask('explicit', Object.assign(new RetailOrder(), { qty: 4 }))).resolves.toBe(8);
    } finally {
      await app.close();
    }
  });

  it('refuses two handlers for one message type on one actor', async () => {
    @Actor('twice')
    class TwiceActor {
      @OnMessage()
      a(_msg: RetailOrder): void {}
      @OnMessage()
      b(_msg: RetailOrder): void {}
    }
    @Module({ actors: [TwiceActor] })
    class Twice {}
    await expect(createTestingApp(Twice)).rejects.toThrow(
      "TwiceActor has two handlers for message type 'Order': a() and b(); keep one of them",
    );
  });

  it('refuses two actors with one name, an undecorated actor and an undecorated module', async () => {
    @Actor('retail')
    class OtherRetail {}
    @Module({ actors: [RetailActor, OtherRetail] })
    class SameName {}
    await expect(createTestingApp(SameName)).rejects.toThrow(
      "Actor name 'retail' is used by both RetailActor and OtherRetail; give one of them another name in @Actor('...')",
    );

    class NotAnActor {}
    @Module({ actors: [NotAnActor] })
    class BadActor {}
    await expect(createTestingApp(BadActor)).rejects.toThrow(
      'NotAnActor is used as an actor but has no @Actor() decorator',
    );

    class NotAModule {}
    @Module({ imports: [NotAModule] })
    class BadImport {}
    await expect(createTestingApp(BadImport)).rejects.toThrow(
      'NotAModule is imported as a module by BadImport but has no @Module() decorator',
    );
  });

  it('refuses bad @Actor options at decoration time', () => {
    expect(() => {
      @Actor({ name: 'x', mailboxCapacity: 0 })
      class ZeroCapacity {}
      return ZeroCapacity;
    }).toThrow('@Actor on ZeroCapacity: mailboxCapacity must be a positive integer (got 0)');
  });
});

describe('default actor names', () => {
  it('drops a trailing Actor and snake_cases the rest', async () => {
    @Actor()
    class PriceFeedActor {}
    @Actor({ expose: false })
    class KvStore {}
    @Module({ actors: [PriceFeedActor, KvStore] })
    class Names {}
    const app = await createTestingApp(Names);
    try {
      expect(app.actors().map(({ name, expose }) => ({ name, expose }))).toEqual([
        { name: 'price_feed', expose: true },
        { name: 'kv_store', expose: false },
      ]);
    } finally {
      await app.close();
    }
  });
});
