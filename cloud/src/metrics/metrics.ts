import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Dead-letter reasons as a bounded label: the reason text carries details (field names, SQLSTATE messages). */
const REASONS: [RegExp, string][] = [
  [/^invalid batch/, 'invalid batch'],
  [/^invalid status/, 'invalid status'],
  [/^invalid config ack/, 'invalid config ack'],
  [/^device mismatch/, 'device mismatch'],
  [/^unknown device/, 'unknown device'],
  [/^revoked/, 'revoked'],
  [/^not a SmartStock v1 topic/, 'not a v1 topic'],
  [/^unexpected topic kind/, 'unexpected topic kind'],
  [/^ingest failed/, 'ingest failed'],
];
export const reasonLabel = (reason: string): string => REASONS.find(([re]) => re.test(reason))?.[1] ?? 'other';

/** What the cloud reads at scrape time from its parts (set once they exist). */
export interface MetricSources {
  /** queued jobs (created or waiting for a retry) per kind of job */
  jobDepths?: () => Promise<Record<string, number>>;
  /** open live WebSockets on this instance */
  webSocketClients?: () => number;
  /** alert judgements committed and not judged yet on this instance, and the oldest one's age */
  alertJudgements?: () => { waiting: number; oldestSeconds: number };
}

/**
 * The cloud's Prometheus series, one registry per running cloud (tests start several in one
 * process). Counters and histograms are per instance; Prometheus sums them across instances.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'smartstock_' });
  const sources: MetricSources = {};
  const registers = [registry];

  const httpDuration = new Histogram({
    name: 'smartstock_http_request_duration_seconds',
    help: 'HTTP requests by route pattern (not the raw URL), method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const ingestMessages = new Counter({
    name: 'smartstock_ingest_messages_total',
    help: 'MQTT messages from devices by topic kind and outcome (stored, duplicate, dead_letter)',
    labelNames: ['kind', 'outcome'] as const,
    registers,
  });
  const ingestObservations = new Counter({
    name: 'smartstock_ingest_observations_total',
    help: 'observation rows stored (rate() of this is the ingest rate)',
    registers,
  });
  const ingestLag = new Histogram({
    name: 'smartstock_ingest_lag_seconds',
    help: "from an observation's capture time on the device to its commit in the cloud",
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers,
  });
  const deadLetters = new Counter({
    name: 'smartstock_dead_letters_total',
    help: 'messages ingestion refused, by reason; stored="false" for those over the per-device flood limit',
    labelNames: ['reason', 'stored'] as const,
    registers,
  });
  const jobRuns = new Counter({
    name: 'smartstock_job_runs_total',
    help: 'job runs on this instance by kind and outcome (done, retry: a failed run to be retried, failed: for good)',
    labelNames: ['name', 'outcome'] as const,
    registers,
  });
  const notifications = new Counter({
    name: 'smartstock_notifications_total',
    help: 'notification deliveries by channel and outcome (sent, retried, deferred, dead)',
    labelNames: ['channel', 'outcome'] as const,
    registers,
  });
  new Gauge({
    name: 'smartstock_job_queue_depth',
    help: 'jobs waiting to run (queued or waiting for a retry) by kind; the queue is shared, so every instance reports the same',
    labelNames: ['name'] as const,
    registers,
    async collect() {
      this.reset();
      for (const [name, n] of Object.entries((await sources.jobDepths?.()) ?? {})) this.set({ name }, n);
    },
  });
  new Gauge({
    name: 'smartstock_websocket_clients',
    help: 'live WebSockets open on this instance',
    registers,
    collect() {
      this.set(sources.webSocketClients?.() ?? 0);
    },
  });

  new Gauge({
    name: 'smartstock_alert_judgements_waiting',
    help: 'stock levels and device statuses committed and waiting for the alert engine on this instance (one a key: its latest)',
    registers,
    collect() {
      this.set(sources.alertJudgements?.().waiting ?? 0);
    },
  });
  new Gauge({
    name: 'smartstock_alert_judgement_oldest_seconds',
    help: 'how long the oldest waiting alert judgement has waited on this instance: how far alerts lag behind the stock (0 when none waits)',
    registers,
    collect() {
      this.set(sources.alertJudgements?.().oldestSeconds ?? 0);
    },
  });

  return {
    registry,
    /** Set by server.ts once the job queue and the live hub exist. */
    sources,
    http(method: string, route: string, status: number, seconds: number): void {
      httpDuration.observe({ method, route, status: String(status) }, seconds);
    },
    /** ingest/dispatch.ts reports each message it handled */
    ingest: {
      batch(stored: number, capturedAt: readonly string[], committedAt: number): void {
        ingestMessages.inc({ kind: 'obs', outcome: stored ? 'stored' : 'duplicate' });
        if (!stored) return;
        ingestObservations.inc(stored);
        // a redelivered batch's rows were counted when they first committed
        for (const at of capturedAt) ingestLag.observe(Math.max(0, (committedAt - Date.parse(at)) / 1000));
      },
      message(kind: string): void {
        ingestMessages.inc({ kind, outcome: 'stored' });
      },
      deadLetter(kind: string, reason: string, stored: boolean): void {
        ingestMessages.inc({ kind, outcome: 'dead_letter' });
        deadLetters.inc({ reason: reasonLabel(reason), stored: String(stored) });
      },
    },
    jobRun(name: string, outcome: 'done' | 'retry' | 'failed'): void {
      jobRuns.inc({ name, outcome });
    },
    notification(channel: string, outcome: 'sent' | 'retried' | 'deferred' | 'dead'): void {
      notifications.inc({ channel, outcome });
    },
  };
}

export type CloudMetrics = ReturnType<typeof createMetrics>;
export type IngestMetrics = CloudMetrics['ingest'];
