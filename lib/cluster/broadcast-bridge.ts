import { MessageRegistry } from '../core/metadata/message-registry';
import { BroadcastEvent } from '../core/runtime/broadcast-hub';
import { Broker } from '../core/runtime/broker';
import { Logger } from '../core/runtime/logger';
import { BodyCodec, ClusterSubjects, splitMeta } from './cluster-wire';
import { ClusterCounters } from './cluster-stats';
import { NatsConnectionLike, NatsMessage, NatsSubscription } from './nats-port';

/**
 * Makes `Broker.broadcast` cluster-wide: every local broadcast is published once on the
 * cluster's broadcast subject, and every broadcast from another node is re-published on the
 * local bus (in-process `subscribe: true` handlers, `messages()` observers, IPC subscribers),
 * with its `source_actor`, in the order NATS delivered it. A re-published broadcast is not sent
 * out again (no echo), and a node ignores its own broadcasts coming back.
 */
export class BroadcastBridge {
  private relaying = false;
  private undoListener?: () => void;
  private subscription?: NatsSubscription;
  private order: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly link: NatsConnectionLike,
    private readonly subjects: ClusterSubjects,
    private readonly codec: BodyCodec,
    private readonly broker: Broker,
    private readonly registry: MessageRegistry,
    private readonly counters: ClusterCounters,
    private readonly logger: Logger,
    private readonly selfId: string,
  ) {}

  /** Starts bridging in both directions. */
  start(): void {
    this.undoListener = this.broker.addBroadcastListener((event) => this.outbound(event));
    this.subscription = this.link.subscribe(this.subjects.broadcast, {
      callback: (err, msg) => err || this.inbound(msg),
    });
  }

  /** Stops bridging. */
  stop(): void {
    this.undoListener?.();
    this.subscription?.unsubscribe();
  }

  private outbound(event: BroadcastEvent): void {
    if (this.relaying || this.link.isClosed()) return;
    const body = this.codec.encodeWithMeta([event.wireName, this.selfId, event.sourceActor], event.message);
    this.counters.bytesSent += body.length;
    this.link.publish(this.subjects.broadcast, body);
  }

  private inbound(msg: NatsMessage): void {
    const { fields, body } = splitMeta(msg.data);
    const [wireName = '', origin, sourceActor] = fields;
    if (origin === this.selfId) return;
    this.counters.bytesReceived += msg.data.length;
    const source = sourceActor || undefined;
    let decoded: object | Promise<object>;
    try {
      decoded = this.registry.decode(wireName, this.codec.decode(body));
    } catch (err) {
      return this.logger.warn(
        `Broadcast ${wireName} from node '${origin}' dropped: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (this.waiting === 0 && !(decoded instanceof Promise)) return this.republish(decoded, source);
    this.waiting++;
    this.order = this.order
      .then(() => decoded)
      .then(
        (message) => this.republish(message, source),
        (err: unknown) =>
          this.logger.warn(`Broadcast ${wireName} dropped: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => this.waiting--);
  }

  private republish(message: object, source: string | undefined): void {
    this.relaying = true;
    try {
      (source === undefined ? this.broker : this.broker.forActor(source)).broadcast(message);
    } catch (err) {
      this.logger.warn(
        `Broadcast from another node could not be delivered here: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      this.relaying = false;
    }
  }
}
