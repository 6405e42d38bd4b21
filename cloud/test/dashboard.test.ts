import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { dashboardPlugin } from '../src/plugins/dashboard.js';

describe('dashboard serving', () => {
  it('serves the built app at / with cache headers that suit a PWA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>SmartStock</title>');
    writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    const app = Fastify();
    await app.register(dashboardPlugin, { dir });
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>SmartStock</title>');
    expect(page.headers['cache-control']).toBe('no-cache');
    const asset = await app.inject({ url: '/assets/app-1234.js' });
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    expect((await app.inject({ url: '/nope.js' })).statusCode).toBe(404);
  });

  it('says how to build it when there is no build', async () => {
    const app = Fastify();
    await app.register(dashboardPlugin, { dir: mkdtempSync(join(tmpdir(), 'empty-')) });
    const res = await app.inject({ url: '/' });
    expect(res.body).toMatch(/npm run build -w dashboard/);
  });
});
