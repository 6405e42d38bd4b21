import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { dashboardPlugin } from '../src/plugins/dashboard.js';
import { compressPlugin } from '../src/plugins/compress.js';

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

  it('sends the build’s brotli or gzip copy as the browser accepts, hashed assets immutable, and compresses JSON above 1 KB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>SmartStock</title>');
    const js = 'export const shelves = ' + JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ slot: i, item: 'Jameson' }))) + ';\n';
    const asset = join(dir, 'assets', 'index-B9krdi-Y.js');
    writeFileSync(asset, js);
    writeFileSync(`${asset}.br`, brotliCompressSync(js));
    writeFileSync(`${asset}.gz`, gzipSync(js));
    const app = Fastify();
    await compressPlugin(app);
    const levels = Array.from({ length: 60 }, (_, i) => ({ itemId: `item-${i}`, level: i / 2, status: 'ok' }));
    app.get('/api/v1/levels', async () => ({ levels }));
    app.get('/api/v1/small', async () => ({ ok: true }));
    await app.register(dashboardPlugin, { dir });

    const br = await app.inject({ url: '/assets/index-B9krdi-Y.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.rawPayload).toEqual(readFileSync(`${asset}.br`));
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(js);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['content-type']).toMatch(/javascript/);
    const gz = await app.inject({ url: '/assets/index-B9krdi-Y.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(js);
    const plain = await app.inject({ url: '/assets/index-B9krdi-Y.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(js);

    const json = await app.inject({ url: '/api/v1/levels', headers: { 'accept-encoding': 'br, gzip' } });
    expect(json.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(json.rawPayload).toString())).toEqual({ levels });
    const gzJson = await app.inject({ url: '/api/v1/levels', headers: { 'accept-encoding': 'gzip' } });
    expect(gzJson.headers['content-encoding']).toBe('gzip');
    // below the threshold compression costs more than it saves
    const small = await app.inject({ url: '/api/v1/small', headers: { 'accept-encoding': 'br, gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toEqual({ ok: true });
    await app.close();
  });
});
