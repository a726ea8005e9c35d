import { Actor } from '../core/decorators/actor.decorator';
import { Inject } from '../core/decorators/injector.decorators';
import { OnMessage } from '../core/decorators/on-message.decorator';
import { ActorError } from '../core/errors/actor-error';
import { ActonApp } from '../core/runtime/acton-app';
import { ActorRef } from '../core/runtime/actor-ref';
import { MessageContext } from '../core/runtime/message-context';
import { AppStats } from './app-stats';
import type { MetricsExtension } from './metrics-extension';
import { Readiness } from './readiness';
import { ActorList, ActorsRequest, ReadyRequest, StatsRequest } from './system-messages';
import { systemActorRefusal } from './system-actor-access';
import type { IpcListener } from '../ipc/server/ipc-listener';

/** The name the system actor is exposed under (one more name in discovery, nothing else). */
export const SYSTEM_ACTOR_NAME = '$acton';
/** Default `limit` of `ActorsRequest`. */
const DEFAULT_ACTOR_LIMIT = 1000;

/**
 * `$acton`, the built-in system actor that `acton stats`, `acton top` and `acton ping --ready`
 * talk to over the app's own socket: answers `StatsRequest` (`AppStats`), `ActorsRequest`
 * (`ActorList`) and `ReadyRequest` (`Readiness`). Added by `MetricsModule.forRoot()` unless
 * `systemActor: false`.
 *
 * Access (`systemActorAccess`, see `SystemActorAccess`): by default the listener's security
 * policy decides when one is in force (docs/protocol.md §11.2), and otherwise only callers
 * running as the server's own uid are answered (a caller whose peer credentials are unknown is
 * refused); others get `ACCESS_DENIED` naming the rule and how to open it up.
 */
@Actor({ name: SYSTEM_ACTOR_NAME, cluster: 'local' })
export class ActonSystemActor {
  // `local` in a cluster: every node answers for itself, so `acton stats` / `top` / `ping --ready`
  // through a node's socket describe that node (a singleton would answer for the owner only).
  constructor(@Inject(ActonApp) private readonly app: ActonApp) {}

  /** A snapshot of the app's figures. */
  @OnMessage({ ipc: true, readonly: true, type: StatsRequest })
  stats(_request: StatsRequest, ctx: MessageContext): AppStats {
    return this.metrics(ctx).stats();
  }

  /** The app's actors, in creation order. */
  @OnMessage({ ipc: true, readonly: true, type: ActorsRequest })
  actors(request: ActorsRequest, ctx: MessageContext): ActorList {
    this.metrics(ctx);
    const all = this.app.actors();
    const limit = request.limit ?? DEFAULT_ACTOR_LIMIT;
    return {
      total: all.length,
      actors: all.slice(0, limit).map(({ name, ref, expose }) => ({
        name,
        class: ref.actorClass.name,
        exposed: expose,
        mailboxDepth: (ref as ActorRef & { queued?: number }).queued ?? 0,
        messageTypes: ref.handlers().map((handler) => handler.wireName),
      })),
    };
  }

  /** Readiness, as `/readyz` reports it. */
  @OnMessage({ ipc: true, readonly: true, type: ReadyRequest })
  ready(_request: ReadyRequest, ctx: MessageContext): Promise<Readiness> {
    return this.metrics(ctx).readiness();
  }

  private metrics(ctx: MessageContext): MetricsExtension {
    const metrics = this.app.extension<MetricsExtension>('metrics');
    if (!metrics) throw new ActorError('IO_ERROR', `${SYSTEM_ACTOR_NAME} runs without its MetricsModule extension`);
    const listener = this.app.extension<IpcListener>('ipc');
    const refusal = systemActorRefusal(metrics.systemActorAccess, ctx.peer, {
      listenerPolicy: listener?.securityPolicy !== undefined,
      uid: process.getuid?.(),
    });
    // The code security's admission uses (docs/protocol.md §11.2).
    if (refusal !== undefined) throw new ActorError('ACCESS_DENIED', refusal);
    return metrics;
  }
}
