import type { ReadPacket, WritePacket } from '@nestjs/microservices';
import type { Subscription } from 'rxjs';
import { ActonClient } from '../client';
import type { ClientOptions, MessageKind } from '../client';
import { ActonRoute, describeUnroutablePattern, parseActonPattern } from './acton-pattern';
import { nestMicroservices, rpcExceptionFromIpc } from './nest-peer';

/**
 * Options of `ActonClientProxy` (the `options` of a `ClientsModule.register` entry with
 * `customClass: ActonClientProxy`): where the acton server listens, plus `acton-ts/client`'s
 * options (reconnect backoff, `defaultTimeoutMs`, format, heartbeat).
 */
export type ActonClientProxyOptions = ClientOptions &
  ({ readonly socketPath: string } | { readonly appName: string }) & {
    /**
     * Ask the server's discovery on connect which message types answer with a stream, so
     * `send()` requests a stream for them (docs/protocol.md §2.7; acton-ts servers report each
     * type's `kind`). Default true. A pattern's own `kind: 'stream'` always wins.
     */
    readonly discoverKinds?: boolean;
  };

/**
 * A Nest `ClientProxy` that calls acton actors — in acton-ts or acton-reactive — over the Unix
 * socket, using `acton-ts/client` underneath (reconnect with backoff, deadlines, one connection
 * per stream).
 *
 * - `send(pattern, data)`: an Observable. One value for a request-response; every item for a
 *   stream (when the pattern says `kind: 'stream'` or discovery lists the type as `stream`).
 * - `emit(pattern, data)`: fire-and-forget; completes when the server acknowledged delivery
 *   (docs/protocol.md §3.2).
 * - Patterns: `{ actor, type }` or `'actor.Type'` (see `ActonPattern`); `data` is the payload.
 * - `status`: the `ActonClient`'s status (`connecting`, `connected`, `reconnecting`, `closed`).
 * - Failures: an `RpcException` whose `getError()` is `{ code, message, details?, retryAfterMs? }`
 *   with the server's `error_code` or a local `TIMEOUT` / `CONNECTION_CLOSED`.
 *
 * @example
 * ClientsModule.register([{ name: 'ACTON', customClass: ActonClientProxy, options: { socketPath } }])
 * // then: constructor(@Inject('ACTON') private readonly acton: ClientProxy) {}
 * this.acton.send({ actor: 'calculator', type: 'AddRequest' }, { a: 1, b: 2 })
 */
export class ActonClientProxy extends nestMicroservices.ClientProxy {
  private readonly target: { readonly socketPath: string } | { readonly appName: string };
  private readonly clientOptions: ClientOptions;
  private readonly discoverKinds: boolean;
  private readonly kinds = new Map<string, MessageKind>();
  private client?: ActonClient;
  private connecting?: Promise<ActonClient>;
  private statusSubscription?: Subscription;

  /** @param options `socketPath` or `appName`, `acton-ts/client` options, `discoverKinds` */
  constructor(options: ActonClientProxyOptions) {
    super();
    if (
      !options ||
      (typeof (options as { socketPath?: unknown }).socketPath !== 'string' &&
        typeof (options as { appName?: unknown }).appName !== 'string')
    ) {
      throw new TypeError(
        "ActonClientProxy needs options.socketPath (the acton server's Unix socket) or options.appName",
      );
    }
    const { discoverKinds, ...rest } = options;
    const { socketPath, appName, ...clientOptions } = rest as ClientOptions & { socketPath?: string; appName?: string };
    this.target = socketPath !== undefined ? { socketPath } : { appName: appName! };
    this.clientOptions = clientOptions;
    this.discoverKinds = discoverKinds ?? true;
    this.initializeSerializer({});
    this.initializeDeserializer({});
  }

  /**
   * Nest `ClientProxy`: connects (once; concurrent callers share the attempt; a failed attempt
   * is retried by the next call). Nest calls it before each `send` / `emit`.
   * @throws RpcException `CONNECTION_CLOSED` when the socket cannot be opened
   */
  connect(): Promise<ActonClient> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().catch((err: unknown) => {
      this.connecting = undefined;
      throw rpcExceptionFromIpc(err);
    });
    return this.connecting;
  }

  /** Nest `ClientProxy`: closes the connection (in-flight calls fail `CONNECTION_CLOSED`). */
  async close(): Promise<void> {
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.connecting = undefined;
    this.statusSubscription?.unsubscribe();
    await client?.close();
    this._status$.next('closed');
  }

  /**
   * Nest `ClientProxy`: the underlying `ActonClient` (for `subscribe()`, `discover()`, typed `actor()` calls).
   * @throws Error before `connect()` resolved
   */
  unwrap<T>(): T {
    if (!this.client) throw new Error('ActonClientProxy is not connected yet: await client.connect() first');
    return this.client as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const client = this.client!;
    const route = this.routeOf(packet.pattern);
    if (this.isStream(route)) {
      const subscription = client.stream(route.actor, route.type, packet.data).subscribe({
        next: (response) => callback({ response }),
        error: (err: unknown) => callback({ err: rpcExceptionFromIpc(err), isDisposed: true }),
        complete: () => callback({ isDisposed: true }),
      });
      return () => subscription.unsubscribe();
    }
    let cancelled = false;
    client.request(route.actor, route.type, packet.data).then(
      (response) => cancelled || callback({ response, isDisposed: true }),
      (err: unknown) => cancelled || callback({ err: rpcExceptionFromIpc(err), isDisposed: true }),
    );
    return () => (cancelled = true);
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const route = this.routeOf(packet.pattern);
    try {
      await this.client!.send(route.actor, route.type, packet.data);
    } catch (err) {
      throw rpcExceptionFromIpc(err);
    }
    return undefined as T;
  }

  private async open(): Promise<ActonClient> {
    const client = await ActonClient.connect(this.target, this.clientOptions);
    if (this.discoverKinds) {
      try {
        const discovery = await client.discover({ includeMessageTypes: false });
        for (const actor of discovery.actors ?? [])
          for (const type of actor.message_types ?? []) this.kinds.set(`${actor.name}\u0000${type.name}`, type.kind);
      } catch {
        // A server without discovery (or an older one) still answers requests; streams then need kind: 'stream'.
      }
    }
    this.statusSubscription = client.status$.subscribe((status) => this._status$.next(status));
    this.client = client;
    return client;
  }

  private routeOf(pattern: unknown): ActonRoute {
    const route = parseActonPattern(pattern);
    if (!route) {
      throw new nestMicroservices.RpcException({
        code: 'INVALID_PATTERN',
        message: describeUnroutablePattern(pattern),
      });
    }
    return route;
  }

  private isStream(route: ActonRoute): boolean {
    return (route.kind ?? this.kinds.get(`${route.actor}\u0000${route.type}`)) === 'stream';
  }
}
