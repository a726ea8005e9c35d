import { Observable } from 'rxjs';
import { actorOptionsOf, ClusterPlacement } from '../core/metadata/actor-metadata';
import type { ActonApp } from '../core/runtime/acton-app';
import { ActorRef, HandlerInfo } from '../core/runtime/actor-ref';
import { AppExtension, RemoteCallStats } from '../core/runtime/app-extension';
import { Delivery } from '../core/runtime/delivery';
import { Logger } from '../core/runtime/logger';
import { MessageRegistry } from '../core/metadata/message-registry';
import { BroadcastBridge } from './broadcast-bridge';
import { ClusterActorRef, ClusterRouting } from './cluster-actor-ref';
import { ClusterConfig, ClusterModuleOptions, resolveClusterOptions } from './cluster-options';
import { ClusterCounters, ClusterStatsSnapshot } from './cluster-stats';
import { BodyCodec, ClusterSubjects, decodeJson, encodeJson } from './cluster-wire';
import { connectNats, openBucket } from './nats-loader';
import { NatsConnectionLike, NatsSubscription } from './nats-port';
import { AnnouncedActor, ClusterNodeInfo, MembershipEvent, NodeAnnouncement, NodeDirectory } from './node-directory';
import { RemoteCalls } from './remote-calls';
import { ServedCalls } from './served-calls';
import { deliverHere } from './forwarded-payload';
import { KeyedPlacement } from './keyed-placement';
import { JetStreamKeyedStateStore } from './jetstream-keyed-state-store';
import { KeyClaims } from './key-claims';
import { SingletonLeases } from './singleton-leases';
import { ActorError } from '../core/errors/actor-error';
import { ErrorCode } from '../core/errors/error-code';
import { ErrorMessages } from '../core/errors/error-messages';
import { KeyedStateStore } from '../core/runtime/keyed/keyed-state-store';
import { splitKeyedName } from '../core/runtime/keyed/keyed-key';

declare module '../core/runtime/app-extension' {
  interface AppExtensions {
    /** The cluster node, when `ClusterModule.forRoot()` is imported (`app.cluster`). */
    cluster: ClusterNode;
  }
}

/**
 * How long a new activation waits for its key's claim, in `nodeTimeoutMs`: long enough to see a
 * dead holder's lease unchanged for `nodeTimeoutMs`; a holder still alive past it disagrees about
 * where the key lives (their views of the membership differ), so the activation gives up and its
 * calls are routed again (`activationRefused`) rather than held for the whole of their deadline.
 */
const KEY_CLAIM_TIMEOUT_NODE_TIMEOUTS = 2;

/** An actor of this app that takes part in the cluster. */
interface LocalClusterActor {
  readonly ref: ActorRef;
  readonly placement: Exclude<ClusterPlacement, 'local'>;
  /** Undo of the NATS subscription while this node serves it. */
  unserve?: () => void;
}

/** The IPC listener's public API, as far as the cluster uses it. */
interface ExposingListener {
  expose(name: string, ref: ActorRef): void;
  hide(name: string): boolean;
}

/**
 * One node of an acton-ts cluster (`app.cluster`): the `AppExtension` that `ClusterModule`
 * contributes. On start it connects to NATS, takes part in membership (heartbeats every
 * `heartbeatMs`; a peer is gone after `nodeTimeoutMs` of silence or at once on its goodbye),
 * serves its `replicated` actors through a queue group, competes for the leases of its
 * `singleton` actors (serving those it wins, standing by for the rest), routes `app.ask / tell /
 * stream(name)` and the IPC listener's calls to wherever each cluster actor is served, and
 * bridges broadcasts. On `app.close()` it stops taking calls and releases its leases (drain),
 * lets the calls already running here finish with the actors, then says goodbye and closes the
 * connection (stop).
 */
export class ClusterNode implements AppExtension, ClusterRouting {
  readonly kind = 'cluster';
  private config?: ClusterConfig;
  private link?: NatsConnectionLike;
  /** The connection key claims and the node lease use (a node hosting keyed actors opens a second one). */
  private leaseLink?: NatsConnectionLike;
  private directory?: NodeDirectory;
  private calls?: RemoteCalls;
  private served?: ServedCalls;
  private leases?: SingletonLeases;
  private keyed?: KeyedPlacement;
  private bridge?: BroadcastBridge;
  private listener?: ExposingListener;
  private logger?: Logger;
  private registry?: MessageRegistry;
  private readonly counters = new ClusterCounters();
  private readonly locals = new Map<string, LocalClusterActor>();
  private readonly refs = new Map<string, ClusterActorRef>();
  private readonly remoteExposed = new Set<string>();
  private readonly subscriptions: NatsSubscription[] = [];
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private leaving = false;
  private saidGoodbye = false;

  /** @param options `ClusterModule.forRoot()` options (validated at start, with the environment) */
  constructor(private readonly options: ClusterModuleOptions = {}) {}

  /**
   * This node's id.
   * @throws Error before the node started
   */
  get nodeId(): string {
    return this.started().config.nodeId;
  }

  /** The effective configuration. @throws Error before the node started */
  get settings(): ClusterConfig {
    return this.started().config;
  }

  /** Every live node, this one first, with the cluster actors each hosts. */
  nodes(): ClusterNodeInfo[] {
    const { config, directory } = this.started();
    return [
      { nodeId: config.nodeId, self: true, lastSeen: Date.now(), actors: this.announcedActors() },
      ...directory.peerList(),
    ];
  }

  /** Joins and losses of other nodes, as they happen (hot: subscribe before you need them). */
  get membership(): Observable<MembershipEvent> {
    return this.started().directory.events;
  }

  /** Whether this node serves `name` now (owns the singleton, or runs the replicated actor). */
  serves(name: string): boolean {
    const local = this.locals.get(name);
    return local !== undefined && local.unserve !== undefined;
  }

  /** Whether the node's NATS connection is up (the readiness check `cluster-connected`). */
  get connected(): boolean {
    return this.calls?.connected ?? false;
  }

  /** Counters of remote calls, bytes and membership (see `ClusterStatsSnapshot`). */
  stats(): ClusterStatsSnapshot {
    const { counters } = this;
    return {
      remoteCallsSent: counters.remoteCallsSent,
      remoteCallsReceived: counters.remoteCallsReceived,
      remoteCallsFailed: { ...counters.remoteCallsFailed },
      bytesSent: counters.bytesSent,
      bytesReceived: counters.bytesReceived,
      inFlight: this.calls?.inFlight ?? 0,
      membershipChanges: this.directory?.membershipChanges ?? 0,
      peers: this.directory?.peerList().length ?? 0,
      singletonsOwned: this.leases?.owned().length ?? 0,
      keyed: this.keyed?.stats() ?? { actors: {}, moves: 0, leasesHeld: 0, callsResent: 0, leaseLapses: 0 },
    };
  }

  /** AppExtension: the remote-call figures of `stats()`, for `listener.stats().remoteCalls`. */
  remoteCallStats(): RemoteCallStats {
    const stats = this.stats();
    return {
      sent: stats.remoteCallsSent,
      received: stats.remoteCallsReceived,
      failed: stats.remoteCallsFailed,
      bytesSent: stats.bytesSent,
      bytesReceived: stats.bytesReceived,
      inFlight: stats.inFlight,
      membershipChanges: stats.membershipChanges,
    };
  }

  /**
   * The KV revision of the claim this node holds on key `key` of keyed actor `actor`, while that
   * key is active here: it identifies the activation (a later activation of the key, on any node,
   * has a higher one).
   */
  keyClaimRevision(actor: string, key: string): number | undefined {
    return this.keyed?.leaseRevision(actor, key);
  }

  /** AppExtension: connect, join, serve, route. */
  async start(app: ActonApp): Promise<void> {
    if (this.link)
      throw new Error(
        'This cluster node is already started; each app gets its own (ClusterModule.forRoot() builds one per app)',
      );
    const config = resolveClusterOptions(this.options, process.env);
    this.assertAfterIpc(app);
    const logger = app.logger;
    const link = await connectNats(config);
    try {
      const subjects = new ClusterSubjects(config.cluster);
      const codec = new BodyCodec(config.format);
      const bucket = await openBucket(link, subjects.leaseBucket);
      // A node hosting keyed actors renews its node lease on a connection of its own, so the
      // renewal never queues behind the calls and state writes of thousands of keys.
      if (app.actors().some((entry) => actorOptionsOf(entry.ref.actorClass)?.cluster === 'keyed'))
        this.leaseLink = await connectNats(config);
      const claimBucket = this.leaseLink ? await openBucket(this.leaseLink, subjects.leaseBucket) : bucket;
      this.config = config;
      this.logger = logger;
      this.registry = app.registry;
      this.link = link;
      this.directory = new NodeDirectory(config.nodeId, config.nodeTimeoutMs);
      this.calls = new RemoteCalls(
        link,
        subjects,
        codec,
        this.counters,
        logger,
        config.nodeTimeoutMs,
        config.nodeId,
        app.instrumentation,
      );
      this.served = new ServedCalls(link, subjects, codec, app.registry, this.counters, logger, config.nodeId);
      this.leases = new SingletonLeases(bucket, config.nodeId, config.nodeTimeoutMs, logger);
      const retryMs = Math.max(20, Math.floor(config.heartbeatMs / 4));
      const keyClaims = new KeyClaims(claimBucket, config.nodeId, config.nodeTimeoutMs, retryMs, logger);
      this.keyed = new KeyedPlacement(
        config.nodeId,
        subjects,
        this.directory,
        this.calls,
        this.served,
        keyClaims,
        retryMs,
        KEY_CLAIM_TIMEOUT_NODE_TIMEOUTS * config.nodeTimeoutMs,
        logger,
        app.registry,
      );
      await this.openStateStore(app, link, subjects);
      this.bridge = new BroadcastBridge(
        link,
        subjects,
        codec,
        app.broker,
        app.registry,
        this.counters,
        logger,
        config.nodeId,
      );
      this.calls.start();
      this.served.start();
      this.bridge.start();
      this.joinMembership(subjects);
      this.adoptLocalActors(app);
      for (const [name, local] of this.locals)
        if (local.placement === 'replicated') this.serve(name, local, subjects.queue(name));
      for (const [name, local] of this.locals) {
        if (local.placement === 'keyed') local.unserve = this.keyed.adopt(app.keyedActor(name)!);
      }
      await this.keyed.join();
      await this.tick();
      app.resolveNamesWith((name) => this.refFor(name));
      this.watchConnection();
      this.timer = setInterval(() => void this.tick(), config.heartbeatMs);
      this.timer.unref();
      logger.info(
        `Cluster node '${config.nodeId}' joined cluster '${config.cluster}' via ${config.servers.join(', ')}`,
      );
    } catch (err) {
      await link.close().catch(() => undefined);
      await this.leaseLink?.close().catch(() => undefined);
      throw err;
    }
  }

  /**
   * AppExtension: stop taking new calls here and hand singletons over at once (the leases are
   * released). Calls already running here finish while the actors drain; heartbeats go on.
   */
  async drain(): Promise<void> {
    if (!this.link || this.leaving) return;
    this.leaving = true;
    for (const local of this.locals.values()) this.unserve(local);
    this.announce();
    if (!this.calls!.connected) return; // nothing to hand over through: standbys take over after nodeTimeoutMs
    const handedOver = this.keyed!.handOver(new ActorError(ErrorCode.SHUTTING_DOWN, 'Server is shutting down'));
    const released = Promise.all([this.leases!.releaseAll(), handedOver]);
    const bound = new Promise<void>((resolve) => setTimeout(resolve, this.config!.nodeTimeoutMs).unref());
    await Promise.race([released, bound]);
  }

  /** AppExtension: say goodbye (peers forget this node at once) and close the connection. */
  async stop(): Promise<void> {
    if (!this.link) return;
    await this.drain();
    if (this.timer) clearInterval(this.timer);
    this.saidGoodbye = true;
    if (!this.link.isClosed() && this.calls!.connected) {
      this.link.publish(new ClusterSubjects(this.config!.cluster).bye, encodeJson({ node: this.config!.nodeId }));
      const bound = new Promise<void>((resolve) => setTimeout(resolve, this.config!.nodeTimeoutMs).unref());
      await Promise.race([this.link.flush().catch(() => undefined), bound]);
    }
    this.calls!.stop();
    this.served!.stop();
    this.bridge!.stop();
    this.keyed!.stop();
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    this.directory!.close();
    await this.link.close().catch(() => undefined);
    await this.leaseLink?.close().catch(() => undefined);
  }

  handlersOf(name: string): readonly HandlerInfo[] {
    const known = this.locals.get(name)?.ref.handlers() ?? this.directory?.describe(name)?.handlers;
    if (known) return known;
    // A key (`cart/u-42`) has its keyed actor's handlers, declared here or announced by its nodes.
    const keyedName = splitKeyedName(name);
    return keyedName && this.keyed?.isKeyed(keyedName.actor) ? this.handlersOf(keyedName.actor) : [];
  }

  isKeyed(name: string): boolean {
    return this.keyed?.isKeyed(name) ?? false;
  }

  localClassOf(name: string): Function | undefined {
    return this.locals.get(name)?.ref.actorClass;
  }

  keyRef(name: string, key: string): ActorRef {
    if (!this.keyed!.isKeyed(name))
      throw new ActorError(
        ErrorCode.ACTOR_NOT_FOUND,
        `Actor not found: '${name}' is not a keyed actor, so '${name}/${key}' names nothing`,
      );
    const local = this.locals.get(name);
    if (local) local.ref.forKey!(key); // checks the key against the actor's limits
    return new ClusterActorRef(`${name}/${key}`, this);
  }

  deliver(name: string, delivery: Delivery): void {
    const validated = this.route(name, delivery, false);
    validated?.catch((err: unknown) =>
      this.logger!.warn(
        `Fire-and-forget to actor '${name}' failed: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  }

  deliverAcknowledged(name: string, delivery: Delivery): void | Promise<void> {
    return this.route(name, delivery, true);
  }

  servedElsewhere(name: string): boolean {
    const local = this.locals.get(name);
    if (local) return !(local.placement === 'singleton' && local.unserve);
    if (this.directory!.describe(name) !== undefined) return true;
    // A key is validated by the node it lives on: here only when it is placed here.
    const keyedName = splitKeyedName(name);
    if (!keyedName || !this.keyed!.isKeyed(keyedName.actor)) return false;
    return this.keyed!.placeOf(keyedName.actor, keyedName.key) !== this.config!.nodeId;
  }

  /** Delivers to the local owner, the key's node, or over NATS (a tell `acknowledged` by the owner's mailbox). */
  private route(name: string, delivery: Delivery, acknowledged: boolean): void | Promise<void> {
    // No node serves a keyed actor's bare name: say which form to address.
    if (this.keyed!.isKeyed(name))
      throw new ActorError(ErrorCode.ACTOR_NOT_FOUND, ErrorMessages.keyedActorWithoutKey(name));
    const keyedName = splitKeyedName(name);
    if (keyedName && this.keyed!.isKeyed(keyedName.actor)) {
      return this.keyed!.route(keyedName.actor, keyedName.key, delivery, acknowledged);
    }
    const local = this.locals.get(name);
    if (local?.placement === 'singleton' && local.unserve) return deliverHere(local.ref, delivery, this.registry!);
    const owner = local?.placement === 'replicated' ? undefined : this.directory!.servingNode(name);
    if (acknowledged && !delivery.sink) return this.calls!.sendAcknowledged(name, delivery, owner);
    this.calls!.send(name, delivery, owner);
  }

  /** A `JetStreamKeyedStateStore` provided by the app opens its bucket on this node's connection. */
  private async openStateStore(app: ActonApp, link: NatsConnectionLike, subjects: ClusterSubjects): Promise<void> {
    let store: unknown;
    try {
      store = app.get(KeyedStateStore);
    } catch {
      return;
    }
    if (!(store instanceof JetStreamKeyedStateStore)) return;
    await store.open(link, subjects.stateBucket, this.keyed);
    this.keyed!.forgetStateWith((actor, key) => store.forget(actor, key));
  }

  private started(): { config: ClusterConfig; directory: NodeDirectory } {
    if (!this.config || !this.directory)
      throw new Error('The cluster node has not started yet: read it after bootstrap() resolved');
    return { config: this.config, directory: this.directory };
  }

  private assertAfterIpc(app: ActonApp): void {
    const kinds = app.extensions.map((extension) => extension.kind);
    if (kinds.includes('ipc') && kinds.indexOf('ipc') > kinds.indexOf('cluster')) {
      throw new Error(
        'ClusterModule.forRoot() must be imported after IpcModule.forRoot() (the cluster routes the names ' +
          'the IPC listener exposes); reorder the imports',
      );
    }
    this.listener = app.extension<ExposingListener>('ipc');
  }

  /** Takes over the names of this app's cluster actors (all but `cluster: 'local'`). */
  private adoptLocalActors(app: ActonApp): void {
    for (const entry of app.actors()) {
      const placement = actorOptionsOf(entry.ref.actorClass)?.cluster ?? 'singleton';
      if (placement === 'local') continue;
      this.locals.set(entry.name, { ref: entry.ref, placement });
      if (!entry.expose || !this.listener) continue;
      this.listener.hide(entry.name);
      this.listener.expose(entry.name, this.refFor(entry.name)!);
    }
  }

  private refFor(name: string): ClusterActorRef | undefined {
    if (!this.locals.has(name) && !this.directory!.describe(name)) {
      const keyedName = splitKeyedName(name);
      if (!keyedName || !this.keyed!.isKeyed(keyedName.actor)) return undefined;
      return this.keyRef(keyedName.actor, keyedName.key) as ClusterActorRef;
    }
    let ref = this.refs.get(name);
    if (!ref) {
      ref = new ClusterActorRef(name, this);
      this.refs.set(name, ref);
    }
    return ref;
  }

  private joinMembership(subjects: ClusterSubjects): void {
    const link = this.link!;
    const directory = this.directory!;
    this.subscriptions.push(
      link.subscribe(subjects.heartbeat, {
        callback: (err, msg) => {
          if (err) return;
          const announcement = decodeJson(msg.data) as NodeAnnouncement;
          // A newcomer learns about us at once instead of after one heartbeat interval.
          if (directory.heard(announcement, Date.now())) this.announce();
          this.keyed!.heard(announcement); // calls waiting for a node of a keyed actor go to it
          this.exposeRemoteNames();
        },
      }),
      link.subscribe(subjects.bye, {
        callback: (err, msg) => {
          if (err) return;
          const { node } = decodeJson(msg.data) as { node: string };
          if (node === this.config!.nodeId) return;
          directory.left(node);
          this.nodeGone(node, 'it left');
          void this.tick();
        },
      }),
    );
  }

  private announce(): void {
    const link = this.link;
    if (!link || link.isClosed() || this.saidGoodbye) return;
    const announcement: NodeAnnouncement = { node: this.config!.nodeId, actors: this.announcedActors() };
    link.publish(new ClusterSubjects(this.config!.cluster).heartbeat, encodeJson(announcement));
  }

  private announcedActors(): AnnouncedActor[] {
    return [...this.locals.entries()].map(([name, local]) => ({
      name,
      placement: local.placement,
      serving: local.unserve !== undefined,
      handlers: local.ref.handlers(),
    }));
  }

  /** One heartbeat: give up stale leases, announce, sweep silent peers, renew / take leases. */
  private async tick(): Promise<void> {
    const now = Date.now();
    for (const name of this.leases!.expire(now)) this.unserve(this.locals.get(name)!, 'its lease could not be renewed');
    this.announce();
    for (const node of this.directory!.sweep(now))
      this.nodeGone(node, `no heartbeat for ${this.config!.nodeTimeoutMs} ms`);
    if (this.ticking) return;
    this.ticking = true;
    try {
      // While leaving, the node lease is still renewed: the keys being handed over stay claimed
      // until each activation has passivated and deleted its claim.
      if (this.leaving) return await this.keyed!.tick(now, true);
      const singletons = [...this.locals.entries()]
        .filter(([, local]) => local.placement === 'singleton')
        .map(([name]) => name);
      const keyed = this.keyed!.tick(now);
      const { gained, lost } = await this.leases!.tick(singletons);
      await keyed;
      if (this.leaving) return;
      for (const name of lost) this.unserve(this.locals.get(name)!, 'its lease went to another node');
      for (const name of gained) this.serve(name, this.locals.get(name)!);
      if (gained.length > 0 || lost.length > 0) this.announce();
    } finally {
      this.ticking = false;
    }
  }

  private serve(name: string, local: LocalClusterActor, queue?: string): void {
    if (local.unserve) return;
    local.unserve = this.served!.serve(name, local.ref, queue);
    this.logger!.info(`Cluster node '${this.config!.nodeId}' serves '${name}' (${local.placement})`);
  }

  private unserve(local: LocalClusterActor, why?: string): void {
    if (!local.unserve) return;
    local.unserve();
    local.unserve = undefined;
    if (why) this.logger!.warn(`Cluster node '${this.config!.nodeId}' stopped serving '${local.ref.name}': ${why}`);
  }

  private nodeGone(node: string, reason: string): void {
    this.calls!.nodeGone(node, reason);
    this.served!.callerGone(node);
    this.exposeRemoteNames();
  }

  /** Keeps the IPC listener's names in step with the actors other nodes announce. */
  private exposeRemoteNames(): void {
    if (!this.listener) return;
    const names = this.directory!.names();
    for (const name of names) {
      if (this.locals.has(name) || this.remoteExposed.has(name)) continue;
      try {
        this.listener.expose(name, this.refFor(name)!);
        this.remoteExposed.add(name);
      } catch (err) {
        this.logger!.warn(
          `Actor '${name}' of another node is not exposed here: ${err instanceof Error ? err.message : String(err)}`,
        );
        this.remoteExposed.add(name);
      }
    }
    for (const name of [...this.remoteExposed]) {
      if (names.has(name)) continue;
      this.listener.hide(name);
      this.remoteExposed.delete(name);
    }
  }

  private watchConnection(): void {
    const link = this.link!;
    void (async () => {
      for await (const status of link.status()) {
        if (status.type === 'disconnect') {
          this.calls!.connected = false;
          this.calls!.connectionLost();
          this.logger!.warn(
            `Cluster node '${this.config!.nodeId}': connection to NATS lost; local actors keep serving, ` +
              `remote calls fail CONNECTION_CLOSED until it is back`,
          );
        } else if (status.type === 'reconnect') {
          this.calls!.connected = true;
          this.logger!.info(`Cluster node '${this.config!.nodeId}': reconnected to NATS`);
          this.announce();
        }
      }
    })().catch(() => undefined);
  }
}
