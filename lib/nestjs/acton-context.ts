import type { Delivery, PeerInfo } from '../index';
import { ActonRoute } from './acton-pattern';
import { nestMicroservices } from './nest-peer';

/** What an `ActonContext` wraps: the acton address and the delivery being handled. */
export type ActonContextArgs = [route: ActonRoute, delivery: Delivery];

/**
 * The `@Ctx()` of a Nest handler served by `ActonTransport` (as `TcpContext` is for TCP): who
 * called, until when, and a signal that aborts when the caller went away.
 *
 * @example
 * @MessagePattern({ actor: 'calculator', type: 'AddRequest' })
 * add(@Payload() req: AddDto, @Ctx() ctx: ActonContext) { ctx.getSignal(); ... }
 */
export class ActonContext extends nestMicroservices.BaseRpcContext<ActonContextArgs> {
  /** The exposed actor name the request addressed (`target`). */
  getActor(): string {
    return this.args[0].actor;
  }

  /** The request's `message_type`. */
  getMessageType(): string {
    return this.args[0].type;
  }

  /** The request's `correlation_id` (docs/protocol.md §2.2). */
  getCorrelationId(): string {
    return this.args[1].correlationId;
  }

  /**
   * Aborted when the client's socket closed, a write to it failed, or the deadline passed
   * (never for fire-and-forget messages). Pass it to anything cancellable.
   */
  getSignal(): AbortSignal | undefined {
    return this.args[1].signal;
  }

  /** Absolute deadline, epoch ms, from the request's `response_timeout_ms`. */
  getDeadline(): number | undefined {
    return this.args[1].deadline;
  }

  /** The calling connection (`connectionId`; uid/gid/pid where the platform reports them). */
  getPeer(): PeerInfo | undefined {
    return this.args[1].peer;
  }
}
