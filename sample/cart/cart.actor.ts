import { Actor, MessageContext, OnActivate, OnMessage, OnPassivate } from 'acton-ts';
import { AddToCart, CartContents, GetCart } from './cart.messages';

type Items = Record<string, number>;

/**
 * A keyed (virtual) actor: one cart per user, addressed as `cart/<user>` (e.g. `cart/u-42`).
 * The first message to a user activates its cart; after 60 s without messages it passivates,
 * and `onPassivate`'s result is kept in the app's `KeyedStateStore` (in memory by default, the
 * JetStream bucket in a cluster) for its next activation, on this node or another.
 */
@Actor({ name: 'cart', cluster: 'keyed', idleTimeoutMs: 60_000 })
export class CartActor implements OnActivate<Items>, OnPassivate<Items> {
  private items: Items = {};

  onActivate(state: Items | undefined): void {
    this.items = state ?? {};
  }

  onPassivate(): Items {
    return this.items;
  }

  @OnMessage({ ipc: true })
  add(message: AddToCart, ctx: MessageContext): CartContents {
    this.items[message.sku] = (this.items[message.sku] ?? 0) + message.qty;
    return { user: ctx.key!, items: { ...this.items } };
  }

  @OnMessage({ ipc: true, readonly: true })
  get(_message: GetCart, ctx: MessageContext): CartContents {
    return { user: ctx.key!, items: { ...this.items } };
  }
}
