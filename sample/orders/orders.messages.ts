import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';
import { Message } from 'acton-ts';

/** An accepted order. */
@Message('OrderConfirmed')
export class OrderConfirmed {
  order_id!: string;
}

/**
 * Places an order. Fails with `PRODUCT_NOT_FOUND` ("Product not found: <name>") for an
 * unknown product and `OUT_OF_STOCK` when fewer than `quantity` are left.
 */
@Message('PlaceOrder', { reply: OrderConfirmed })
export class PlaceOrder {
  @IsString() @IsNotEmpty() product!: string;
  @IsInt() @Min(1) quantity!: number;
}
