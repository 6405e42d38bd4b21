import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import errors from '../../src/plugins/errors.js';
import { createMetrics, metricsPlugin, reasonLabel } from '../../src/metrics/index.js';

const TOKEN = 'a-metrics-token-of-some-length';

async function app(token?: string): Promise<FastifyInstance> {
  const a = Fastify();
  await a.register(errors);
  await a.register(metricsPlugin, { metrics: createMetrics(), token });
  return a;
}

describe('who may read /metrics', () => {
  let a: FastifyInstance | undefined;
  afterEach(() => a?.close());

  it('without a token: a client on this host, directly; not through a proxy, not from elsewhere', async () => {
    a = await app();
    expect((await a.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expect((await a.inject({ url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
    const far = await a.inject({ url: '/metrics', remoteAddress: '10.1.2.3' });
    expect(far.statusCode).toBe(403);
    expect(far.json().error.message).toMatch(/metrics\.token/);
    const proxied = await a.inject({ url: '/metrics', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.statusCode).toBe(403);
  });

  it('with a token: that bearer token from anywhere, nothing else even from loopback', async () => {
    a = await app(TOKEN);
    const ok = await a.inject({ url: '/metrics', remoteAddress: '10.1.2.3', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('smartstock_http_request_duration_seconds');
    expect((await a.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(401);
    expect((await a.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x` } })).statusCode).toBe(401);
  });

  it('reports the alert judgements waiting and the age of the oldest, as the alert feed tells them', async () => {
    const metrics = createMetrics();
    a = Fastify();
    await a.register(errors);
    await a.register(metricsPlugin, { metrics });
    const gauge = (body: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1]);
    let body = (await a.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).body;
    expect(gauge(body, 'smartstock_alert_judgements_waiting')).toBe(0);
    expect(gauge(body, 'smartstock_alert_judgement_oldest_seconds')).toBe(0);
    metrics.sources.alertJudgements = () => ({ waiting: 1200, oldestSeconds: 42.5 });
    body = (await a.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).body;
    expect(gauge(body, 'smartstock_alert_judgements_waiting')).toBe(1200);
    expect(gauge(body, 'smartstock_alert_judgement_oldest_seconds')).toBe(42.5);
  });

  it('labels dead letters by the kind of reason, never its details', () => {
    expect(reasonLabel('invalid batch: observations.0.count: expected a number')).toBe('invalid batch');
    expect(reasonLabel('device mismatch: payload says a, topic says b')).toBe('device mismatch');
    expect(reasonLabel('ingest failed: SQLSTATE 22P02: invalid input')).toBe('ingest failed');
    expect(reasonLabel('unexpected topic kind config from a device')).toBe('unexpected topic kind');
    expect(reasonLabel('something new')).toBe('other');
  });
});
