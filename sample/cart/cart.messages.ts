import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';
import { Message } from 'acton-ts';

/** A cart's content: quantity per SKU. */
@Message('CartContents')
export class CartContents {
  user!: string;
  items!: Record<string, number>;
}

/** Adds `qty` of `sku` to the cart of the key it is sent to (`cart/<user>`); answered with the contents. */
@Message('AddToCart', { reply: CartContents })
export class AddToCart {
  @IsString() @IsNotEmpty() sku!: string;
  @IsInt() @Min(1) qty!: number;
}

/** Reads the cart of the key it is sent to. */
@Message('GetCart', { reply: CartContents })
export class GetCart {}
