import { MessageRegistry } from '../../core/metadata/message-registry';
import { Logger } from '../../core/runtime/logger';
import { IpcConfig } from '../config/ipc-config';
import { Discovery } from './discovery';
import { ExposedActors } from './exposed-actors';
import { ListenerStats } from './listener-stats';
import { SubscriptionManager } from './subscription-manager';

/** What every connection of one listener shares (§3.5: "nothing except the actors, the registries and the listener stats"). */
export interface ListenerContext {
  readonly config: IpcConfig;
  readonly stats: ListenerStats;
  readonly registry: MessageRegistry;
  readonly logger: Logger;
  readonly actors: ExposedActors;
  readonly subscriptions: SubscriptionManager;
  readonly discovery: Discovery;
  /** True once `shutdownGracefully()` started: new requests get `SHUTTING_DOWN` (§5.5). */
  readonly draining: boolean;
}
