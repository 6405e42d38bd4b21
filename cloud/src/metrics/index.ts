/**
 * Operating the cloud: Prometheus series (HTTP latency by route, ingest rate and lag, dead
 * letters by reason, job queue depth and runs, WebSocket clients, notification outcomes, alert judgements waiting) and
 * GET /metrics. Imports no module: server.ts hands each part what it reports through.
 */
export { createMetrics, reasonLabel, type CloudMetrics, type IngestMetrics, type MetricSources } from './metrics.js';
export { metricsPlugin, type MetricsOptions } from './routes.js';
