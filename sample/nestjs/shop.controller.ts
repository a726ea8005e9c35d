import { Body, Controller, Get, HttpException, HttpStatus, Post, Query } from '@nestjs/common';
import { ActonApp, ActorError } from 'acton-ts';
import { AddRequest, AddResult } from '../calculator/calculator.messages';
import { OrderConfirmed, PlaceOrder } from '../orders/orders.messages';

/** HTTP status for an acton error code the shop expects; anything else is a 500. */
const STATUS_OF: Record<string, HttpStatus> = {
  SERIALIZATION_ERROR: HttpStatus.BAD_REQUEST,
  PRODUCT_NOT_FOUND: HttpStatus.NOT_FOUND,
  OUT_OF_STOCK: HttpStatus.CONFLICT,
  TARGET_BUSY: HttpStatus.SERVICE_UNAVAILABLE,
  SHUTTING_DOWN: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * A Nest HTTP controller that asks acton actors in-process: `ActonApp` is injected by
 * `ActonModule`. An actor's `ActorError` becomes an HTTP error with its code in the body.
 */
@Controller()
export class ShopController {
  constructor(private readonly acton: ActonApp) {}

  /** `GET /add?a=1&b=2` → `{ "sum": 3 }` from the `calculator` actor. */
  @Get('add')
  add(@Query('a') a: string, @Query('b') b: string): Promise<AddResult> {
    return this.ask(() =>
      this.acton.ask('calculator', Object.assign(new AddRequest(), { a: Number(a), b: Number(b) })),
    );
  }

  /** `POST /orders {"product":"widget","quantity":2}` → the `orders` actor's confirmation. */
  @Post('orders')
  order(@Body() body: { product: string; quantity: number }): Promise<OrderConfirmed> {
    return this.ask(() => this.acton.ask('orders', Object.assign(new PlaceOrder(), body)));
  }

  private async ask<T>(call: () => Promise<unknown>): Promise<T> {
    try {
      return (await call()) as T;
    } catch (err) {
      if (!(err instanceof ActorError)) throw err;
      throw new HttpException(
        { code: err.code, message: err.message },
        STATUS_OF[err.code] ?? HttpStatus.INTERNAL_SERVER_ERROR,
      );
    }
  }
}
