import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRtspSource, type RtspSource } from '../helpers/rtsp-source.js';
import { freePort } from '../../../e2e/src/ports.js';
import { cli } from '../helpers/cli.js';

/** camera probe against a real RTSP stream served by ffmpeg. */
describe('camera probe', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-probe-'));
  let source: RtspSource | undefined;
  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  it('reports codec, resolution, frame rate and keyframe interval, and saves a frame', async () => {
    source = await startRtspSource({ size: '1280x720', rate: 10, gop: 20 });
    const frame = join(tmp, 'frame.jpg');
    const r = await cli('camera', 'probe', source.url, '--seconds', '5', '--frame', frame, '--transport', 'udp', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json).toMatchObject({ codec: 'h264', width: 1280, height: 720, fps: 10, frame });
    expect(r.json.keyframeIntervalS).toBeGreaterThan(1.5);
    expect(r.json.keyframeIntervalS).toBeLessThan(2.5);
    expect(r.json.warnings).toEqual([]);
    expect(readFileSync(frame).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8])); // a JPEG
  });

  it('warns in plain words about a low resolution and sparse keyframes', async () => {
    source = await startRtspSource({ size: '640x360', rate: 10, gop: 50 });
    const r = await cli(
      'camera',
      'probe',
      source.url,
      '--seconds',
      '4',
      '--frame',
      join(tmp, 'low.jpg'),
      '--shelf-distance',
      '3',
      '--transport',
      'udp',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/resolution 640x360 is low for shelves 3 m away.*1920 pixels wide/);
    expect(r.stdout).toMatch(/keyframes are too sparse.*GOP/);
  });

  it('says when the camera refuses the credentials, without printing them', async () => {
    source = await startRtspSource({ credentials: { user: 'admin', password: 'right-one' } });
    const wrong = source.url.replace('right-one', 'hunter2');
    const r = await cli('camera', 'probe', wrong, '--seconds', '2', '--frame', join(tmp, 'denied.jpg'), '--transport', 'udp', '--json');
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ error: 'the camera refused the credentials', fix: expect.stringMatching(/user and password/) });
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });

  it('names the fix when nothing answers, and never prints the password', async () => {
    const port = await freePort();
    const r = await cli(
      'camera',
      'probe',
      `rtsp://admin:hunter2@127.0.0.1:${port}/cam`,
      '--seconds',
      '2',
      '--frame',
      join(tmp, 'x.jpg'),
      '--json',
    );
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: false, error: 'nothing is listening at that address and port' });
    expect(r.json.fix).toMatch(/RTSP port/);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
    const bad = await cli('camera', 'probe', 'http://nope', '--frame', join(tmp, 'y.jpg'));
    expect(bad.code).toBe(2);
  });

  it('says no RTSP camera answered when the port takes the connection and says nothing, and keeps the last frame', async () => {
    // a web port, or a camera that hangs up: what ffmpeg calls "Invalid data found", no codec question yet
    const silent = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const dir = mkdtempSync(join(tmp, 'silent-'));
    const frame = join(dir, 'shelf.jpg');
    writeFileSync(frame, 'the frame of the last good probe');
    try {
      const port = (silent.address() as AddressInfo).port;
      const result = await cli('camera', 'probe', `rtsp://127.0.0.1:${port}/cam`, '--seconds', '2', '--frame', frame, '--json');
      expect(result.code).toBe(1);
      expect(result.json).toMatchObject({ ok: false, error: 'something took the connection but no RTSP camera answered' });
      expect(result.json.fix).toMatch(/RTSP port \(usually 554/);
      expect(readFileSync(frame, 'utf8')).toBe('the frame of the last good probe');
      expect(readdirSync(dir)).toEqual(['shelf.jpg']);
    } finally {
      await new Promise<void>((done) => silent.close(() => done()));
    }
  });
});
