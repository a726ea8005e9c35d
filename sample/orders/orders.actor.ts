import { Actor, ActorError, OnMessage } from 'acton-ts';
import { OrderConfirmed, PlaceOrder } from './orders.messages';

/** Starting stock per product. `gizmo` starts sold out so `OUT_OF_STOCK` is easy to see. */
const INITIAL_STOCK: Record<string, number> = { widget: 100, gadget: 10, gizmo: 0 };

/**
 * Errors that reach the caller: a thrown `ActorError` arrives with its own `error_code` and
 * message (docs/protocol.md §0 D1), so clients can branch on `PRODUCT_NOT_FOUND` / `OUT_OF_STOCK`.
 */
@Actor('orders')
export class OrdersActor {
  private readonly stock = new Map(Object.entries(INITIAL_STOCK));
  private nextOrder = 1;

  @OnMessage({ ipc: true })
  place(msg: PlaceOrder): OrderConfirmed {
    const available = this.stock.get(msg.product);
    if (available === undefined) {
      throw new ActorError('PRODUCT_NOT_FOUND', `Product not found: ${msg.product}`, {
        product: msg.product,
        known: [...this.stock.keys()],
      });
    }
    if (available < msg.quantity) {
      throw new ActorError(
        'OUT_OF_STOCK',
        `Out of stock: ${msg.product} (requested ${msg.quantity}, available ${available})`,
        {
          product: msg.product,
          requested: msg.quantity,
          available,
        },
      );
    }
    this.stock.set(msg.product, available - msg.quantity);
    return { order_id: `ord-${String(this.nextOrder++).padStart(6, '0')}` };
  }
}
