/** How the cloud's ingest link reaches its broker: the embedded one in-process, or an external one over (m)TLS. */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from '@smartstock/runtime';
import type { CloudConfig } from '../config.js';
import type { IngestOptions } from '../ingest/index.js';
import type { EmbeddedBroker } from './embedded.js';

export function brokerConnection(
  config: CloudConfig['broker'],
  embedded: EmbeddedBroker | undefined,
  httpUrl: string,
  logger: Logger,
): IngestOptions {
  const file = (p?: string) => (p ? readFileSync(p, 'utf8') : undefined);
  return {
    url: config.url,
    connectInternal: embedded?.connectInternal,
    // stable across restarts (the broker keeps the session's queued messages) and distinct per
    // instance: two instances on one host would otherwise take each other's connection over
    clientId: config.url ? (config.clientId ?? `smartstock-cloud-${hostname()}-${new URL(httpUrl).port}`) : 'cloud.internal',
    sharedGroup: config.sharedGroup,
    concurrentBatches: config.concurrentBatches,
    tls: config.url ? dropUndefined({ ca: file(config.caFile), cert: file(config.certFile), key: file(config.keyFile) }) : undefined,
    logger,
  };
}

function dropUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
