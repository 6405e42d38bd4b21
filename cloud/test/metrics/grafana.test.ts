import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../src/metrics/index.js';

const docker = (p: string) => readFileSync(new URL(`../../../docker/${p}`, import.meta.url), 'utf8');

/** docker/'s Grafana dashboard and Prometheus config against what the cloud really exports. */
describe('the Grafana dashboard and the scrape config', () => {
  it('query only series the cloud exports, with the suffixes their type has', async () => {
    const dash = JSON.parse(docker('grafana/dashboards/smartstock-cloud.json')) as {
      uid: string;
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const exported = new Map((await createMetrics().registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
    const used = new Set(dash.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\bsmartstock_\w+/g)].map((m) => m[0]))));
    expect(used.size).toBeGreaterThanOrEqual(9);
    for (const name of used) {
      const suffix = /_(bucket|count|sum)$/.exec(name)?.[0];
      const base = suffix && exported.get(name.slice(0, -suffix.length)) === 'histogram' ? name.slice(0, -suffix.length) : name;
      expect(exported.has(base), `${name} is not exported by the cloud`).toBe(true);
    }
    const titles = dash.panels.map((p) => p.title).join(' | ');
    for (const what of [
      'HTTP latency',
      'Ingest rate',
      'Ingest lag',
      'Dead letters',
      'Job queue depth',
      'Job runs',
      'WebSocket',
      'Notifications',
      'Alert lag',
    ])
      expect(titles).toContain(what);
  });

  it('scrapes every cloud instance of the compose file on its port, with the metrics token', () => {
    const prom = parse(docker('prometheus/prometheus.yml')) as {
      scrape_configs: { metrics_path: string; authorization: { credentials_file: string }; static_configs: { targets: string[] }[] }[];
    };
    const compose = parse(docker('compose.yaml')) as { services: Record<string, { ports?: string[]; command?: string[] }> };
    const clouds = Object.keys(compose.services).filter((s) => /^cloud-\d+$/.test(s));
    const job = prom.scrape_configs[0]!;
    expect(job.metrics_path).toBe('/metrics');
    expect(job.static_configs.flatMap((c) => c.targets).sort()).toEqual(clouds.map((c) => `${c}:8080`).sort());
    expect(compose.services.prometheus!.command!.join(' ')).toContain(`> ${job.authorization.credentials_file}`);
  });
});
