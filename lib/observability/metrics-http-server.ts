import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { Logger } from '../core/runtime/logger';
import { Readiness } from './readiness';

/** Where the HTTP endpoint listens and serves. */
export interface MetricsHttpOptions {
  readonly port: number;
  /** Default `127.0.0.1` (metrics are not for the world; set `0.0.0.0` deliberately). */
  readonly host?: string;
  /** Default `/metrics`. */
  readonly path?: string;
}

/**
 * The metrics HTTP endpoint (node:http): `GET <path>` → the registry's Prometheus text,
 * `GET /healthz` → 200 while the process serves HTTP (liveness), `GET /readyz` → 200 or 503
 * with the readiness checks as JSON. Anything else is 404 naming the served paths.
 */
export class MetricsHttpServer {
  private server?: Server;

  constructor(
    private readonly options: MetricsHttpOptions,
    private readonly registry: Registry,
    private readonly readiness: () => Promise<Readiness>,
    private readonly logger: Logger,
  ) {}

  /** `http://host:port` once listening. */
  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? `http://${address.address}:${address.port}` : undefined;
  }

  /** Starts listening; rejects with the bind error (e.g. the port is taken). */
  async start(): Promise<void> {
    const server = createServer((request, response) => void this.serve(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new Error(
            `Metrics endpoint: cannot listen on ${this.options.host ?? '127.0.0.1'}:${this.options.port}: ` +
              err.message,
          ),
        ),
      );
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Stops listening and closes idle keep-alive connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    const metricsPath = this.options.path ?? '/metrics';
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'Use GET\n');
      if (path === metricsPath) return send(response, 200, this.registry.contentType, await this.registry.metrics());
      if (path === '/healthz') return send(response, 200, 'text/plain', 'ok\n');
      if (path === '/readyz') {
        const readiness = await this.readiness();
        return send(response, readiness.ready ? 200 : 503, 'application/json', `${JSON.stringify(readiness)}\n`);
      }
      send(
        response,
        404,
        'text/plain',
        `Not found: ${path}; this endpoint serves ${metricsPath}, /healthz and /readyz\n`,
      );
    } catch (err) {
      this.logger.error(`Metrics endpoint: ${path} failed`, err);
      send(response, 500, 'text/plain', `${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
