import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@smartstock/runtime';
import type { Metrics } from './metrics.js';

export interface HealthDeps {
  host: string;
  port: number;
  metrics: Metrics;
  /** Ready = the outbox takes writes and at least one camera streams. */
  ready: () => { ready: boolean; checks: Record<string, boolean> };
  log: Logger;
}

/** /healthz and /metrics on loopback only: a technician's curl and a local Prometheus agent, nothing from outside. */
export class HealthServer {
  private server: Server | null = null;

  constructor(private readonly deps: HealthDeps) {}

  async start(): Promise<void> {
    const server = (this.server = createServer((req, res) => {
      void (async () => {
        if (req.url === '/healthz') {
          const readiness = this.deps.ready();
          res.writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: readiness.ready ? 'ok' : 'not ready', checks: readiness.checks }));
        } else if (req.url === '/metrics') {
          res.writeHead(200, { 'content-type': this.deps.metrics.registry.contentType });
          res.end(await this.deps.metrics.registry.metrics());
        } else {
          res.writeHead(404).end();
        }
      })().catch((err: Error) => {
        this.deps.log.error({ err }, 'health request failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, this.deps.host, () => resolve());
    });
    this.deps.log.info({ listen: this.url }, 'health listening');
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    return a ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : '';
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
