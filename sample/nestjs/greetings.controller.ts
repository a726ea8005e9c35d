import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { ActonContext } from 'acton-ts/nestjs';

/**
 * A Nest microservice handler answering acton clients (Python, TypeScript, the `acton` CLI)
 * through ActonTransport, on the same socket as the sample's actors: actor `greetings`,
 * message type `HelloRequest`.
 */
@Controller()
export class GreetingsController {
  @MessagePattern('greetings.HelloRequest')
  hello(@Payload() req: { name?: string }, @Ctx() ctx: ActonContext): { greeting: string; connection: string } {
    if (!req.name) throw new RpcException({ code: 'NAME_REQUIRED', message: 'HelloRequest needs a name' });
    return { greeting: `Hello, ${req.name}, from Nest!`, connection: ctx.getPeer()?.connectionId ?? 'unknown' };
  }
}
