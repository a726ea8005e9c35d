import { Module } from '@nestjs/common';
import { Module as ActonModuleDecorator } from 'acton-ts';
import { ActonModule } from 'acton-ts/nestjs';
import { CalculatorActor } from '../calculator/calculator.actor';
import { CountdownActor } from '../countdown/countdown.actor';
import { OrdersActor } from '../orders/orders.actor';
import { GreetingsController } from './greetings.controller';
import { ShopController } from './shop.controller';

/** The acton side: some of the sample's actors. */
@ActonModuleDecorator({ actors: [CalculatorActor, OrdersActor, CountdownActor] })
export class ShopActorsModule {}

/**
 * The Nest side: `ActonModule` runs the actors (and their IPC listener, app name
 * `acton-nest-sample`) inside Nest; `ShopController` serves HTTP; `GreetingsController` answers
 * acton clients through ActonTransport (connected in main.ts).
 */
@Module({
  imports: [ActonModule.forRoot({ imports: [ShopActorsModule], ipc: { socket: { appName: 'acton-nest-sample' } } })],
  controllers: [ShopController, GreetingsController],
})
export class AppModule {}
