import type { Registry } from 'prom-client';
import type { ActonApp } from '../core/runtime/acton-app';
import { AppExtension } from '../core/runtime/app-extension';
import { BroadcastEvent } from '../core/runtime/broadcast-hub';
import { ActorFigures, ActorLabelling } from './actor-figures';
import { AppStats, collectAppStats } from './app-stats';
import { MetricsHttpServer } from './metrics-http-server';
import { requireOptional } from '../core/runtime/optional-dependency';
import { registerAppSeries } from './prometheus-exposition';
import { checkReadiness, Readiness } from './readiness';
import { SYSTEM_ACTOR_ACCESS_MODES, SystemActorAccess } from './system-actor-access';

declare module '../core/runtime/app-extension' {
  interface AppExtensions {
    /** The metrics extension, when `MetricsModule.forRoot()` is imported. */
    metrics: MetricsExtension;
  }
}

/** Wire name of supervision's restart event, read by name (no import of its module). */
const ACTOR_RESTARTED = 'ActorRestarted';

/** Options of `MetricsModule.forRoot()`. */
export interface MetricsModuleOptions extends ActorLabelling {
  /** Serve `/metrics`, `/healthz` and `/readyz` over HTTP on this port (0: any free port). Default: no HTTP server. */
  readonly port?: number;
  /** Interface of the HTTP endpoint; default `127.0.0.1`. */
  readonly host?: string;
  /** Path of the Prometheus text; default `/metrics`. */
  readonly path?: string;
  /** A prom-client `Registry` to add the series to (e.g. the one your own HTTP server exposes); default: a new one. */
  readonly registry?: Registry;
  /** Prefix of every series name; default `acton_`. */
  readonly prefix?: string;
  /** Add the `$acton` system actor (for `acton stats` / `acton top` / `acton ping --ready`); default true. */
  readonly systemActor?: boolean;
  /**
   * Who `$acton` answers: `'auto'` (default: the listener's security policy when one is in
   * force, else only the server's own uid), `'owner'` (only the server's own uid) or `'policy'`
   * (whoever the listener lets through). See `SystemActorAccess`.
   */
  readonly systemActorAccess?: SystemActorAccess;
}

/**
 * The metrics of one app (added by `MetricsModule.forRoot()`, found as `app.extension('metrics')`):
 * installs an `ActorFigures` probe on the app's instrumentation port, counts `ActorRestarted`
 * broadcasts, registers the Prometheus series in a prom-client registry (loaded here, and only
 * here) and, with `port`, serves them over HTTP with liveness and readiness.
 */
export class MetricsExtension implements AppExtension {
  readonly kind = 'metrics';
  private readonly figures: ActorFigures;
  private app?: ActonApp;
  private promRegistry?: Registry;
  private http?: MetricsHttpServer;
  private uninstall: (() => void)[] = [];

  /** @throws Error naming the valid modes when `systemActorAccess` is not one of them */
  constructor(private readonly options: MetricsModuleOptions = {}) {
    const access = options.systemActorAccess;
    if (access !== undefined && !SYSTEM_ACTOR_ACCESS_MODES.includes(access))
      throw new Error(
        `MetricsModule: systemActorAccess '${String(access)}' is not one of ${SYSTEM_ACTOR_ACCESS_MODES.map((m) => `'${m}'`).join(', ')}`,
      );
    this.figures = new ActorFigures(options);
  }

  /** The prom-client registry holding the series (scrape it yourself with `registry.metrics()`). */
  get registry(): Registry {
    if (!this.promRegistry)
      throw new Error('The metrics extension has not started yet; read its registry after bootstrap() resolved');
    return this.promRegistry;
  }

  /** `http://host:port` of the endpoint when `port` was given and it is listening. */
  get url(): string | undefined {
    return this.http?.url;
  }

  /** Who `$acton` answers. */
  get systemActorAccess(): SystemActorAccess {
    return this.options.systemActorAccess ?? 'auto';
  }

  /** AppExtension: starts recording and serving. */
  async start(app: ActonApp): Promise<void> {
    this.app = app;
    const promClient = requireOptional<typeof import('prom-client')>('prom-client', 'MetricsModule');
    const registry = this.options.registry ?? new promClient.Registry();
    registerAppSeries(registry, this.options.prefix ?? 'acton_', () => this.stats());
    this.promRegistry = registry;
    this.uninstall.push(app.instrumentation.add(this.figures));
    this.uninstall.push(app.broker.addBroadcastListener((event) => this.onBroadcast(event)));
    if (this.options.port !== undefined) {
      const http = new MetricsHttpServer(
        {
          port: this.options.port,
          host: this.options.host,
          path: this.options.path,
        },
        registry,
        () => this.readiness(),
        app.logger,
      );
      await http.start();
      this.http = http;
      app.logger.info(`Metrics endpoint: ${http.url}${this.options.path ?? '/metrics'} (and /healthz, /readyz)`);
    }
  }

  /** AppExtension: nothing to drain (scrapes keep working while the app drains). */
  async drain(): Promise<void> {}

  /** AppExtension: stops the HTTP endpoint and the recording. */
  async stop(): Promise<void> {
    for (const undo of this.uninstall.splice(0)) undo();
    await this.http?.stop();
    this.http = undefined;
  }

  /** A snapshot of the app's figures (what `$acton` answers to `StatsRequest`). */
  stats(): AppStats {
    if (!this.app) throw new Error('The metrics extension has not started yet');
    return collectAppStats(this.app, this.figures);
  }

  /** The readiness checks (what `/readyz` and `acton ping --ready` report). */
  readiness(): Promise<Readiness> {
    if (!this.app)
      return Promise.resolve({
        ready: false,
        checks: [{ name: 'app-running', ok: false, detail: 'not started' }],
      });
    return checkReadiness(this.app);
  }

  private onBroadcast(event: BroadcastEvent): void {
    if (event.wireName !== ACTOR_RESTARTED) return;
    const name = (event.message as { name?: unknown }).name;
    if (typeof name !== 'string') return;
    const ref = this.app?.actorRef(name);
    this.figures.restarted(ref ? this.figures.labelOf(ref) : this.options.keyLabels ? name : 'unknown');
  }
}
