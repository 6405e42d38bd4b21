import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreview, type Preview } from '../../src/camera/preview.js';
import { findFfmpeg } from '@smartstock/runtime';
import { startRtspSource, type RtspSource } from '../helpers/rtsp-source.js';
import { cli } from '../helpers/cli.js';

/** Reads the first `n` JPEG parts of an MJPEG stream. */
function readParts(url: string, n: number): Promise<{ contentType: string; parts: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let buf = Buffer.alloc(0);
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        for (
          let m = /content-length: (\d+)\r\n\r\n/.exec(buf.toString('latin1'));
          m;
          m = /content-length: (\d+)\r\n\r\n/.exec(buf.toString('latin1'))
        ) {
          const start = m.index + m[0].length;
          const len = Number(m[1]);
          if (buf.length < start + len) break;
          parts.push(buf.subarray(start, start + len));
          buf = buf.subarray(start + len);
          if (parts.length === n) {
            req.destroy();
            resolve({ contentType: String(res.headers['content-type']), parts });
            return;
          }
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('camera preview', () => {
  let source: RtspSource;
  let preview: Preview;
  beforeAll(async () => {
    source = await startRtspSource({ size: '640x360', rate: 10, gop: 10 });
    preview = await startPreview(source.url, { ffmpeg: findFfmpeg(), host: '127.0.0.1', port: 0, fps: 5, maxWidth: 320, transport: 'udp' });
  });
  afterAll(async () => {
    await preview?.close();
    await source?.stop();
  });

  it('serves a page and relays the camera as MJPEG frames on loopback', async () => {
    expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await (await fetch(preview.url)).text();
    expect(page).toContain('<img src="/stream"');
    const { contentType, parts } = await readParts(`${preview.url}stream`, 3);
    expect(contentType).toMatch(/^multipart\/x-mixed-replace; boundary=/);
    for (const p of parts) {
      expect(p.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      expect(p.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    }
    expect(preview.frames()).toBeGreaterThanOrEqual(3);
  });

  it('names a port in use as a usage error and leaves no ffmpeg running behind it', async () => {
    const holder = createServer();
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    const held = (holder.address() as AddressInfo).port;
    try {
      const result = await cli('camera', 'preview', source.url, '--port', String(held), '--transport', 'udp');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`port ${held} on 127.0.0.1 is in use (--port)`);
      expect(result.stderr).toMatch(/fix: give another --port \(0 takes any free one\)/);
      // the preview's own ffmpeg (the one writing MJPEG to its pipe), not the test camera's
      const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n');
      const previews = children.filter((args) => args.includes('-f mjpeg pipe:1'));
      expect(previews).toHaveLength(1); // the one beforeAll started
    } finally {
      await new Promise<void>((done) => holder.close(() => done()));
    }
  });

  it('refuses to listen beyond loopback', async () => {
    const r = await cli('camera', 'preview', source.url, '--host', '0.0.0.0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not loopback/);
  });
});
