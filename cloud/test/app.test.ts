import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from './support/cloud.js';

describe('cloud on its embedded defaults', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it('answers /healthz over real HTTP with PGlite behind it', async () => {
    const res = await fetch(`${t.cloud.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'pglite' });
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await t.api('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/inventory/items', '/api/v1/devices/{id}/cameras']),
    );
    expect((await fetch(`${t.cloud.url}/docs`)).status).toBe(200);
  });

  it('answers an unknown route in the one error shape', async () => {
    const r = await t.api('GET', '/api/v1/nope');
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'not_found', requestId: expect.any(String) });
  });

  it('exposes the embedded broker and its CA', () => {
    expect(t.cloud.brokerUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(t.cloud.caCertPath).toMatch(/pki\/ca\.crt$/);
  });
});
