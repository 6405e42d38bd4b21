/**
 * A camera's password is in its RTSP URL. `camera probe` and `camera preview` must not put it on
 * ffmpeg's command line, where every user of the computer reads it (`ps`, /proc/<pid>/cmdline),
 * and must still open a camera whose password holds the characters a URL and concat's quoting treat
 * specially.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '@smartstock/runtime';
import { childCommandLines, commandLines } from '@smartstock/runtime/testing';
import { startPreview } from '../../src/camera/preview.js';
import { probeCamera } from '../../src/camera/probe.js';
import { startRtspSource, type RtspSource } from '../helpers/rtsp-source.js';
import { cli } from '../helpers/cli.js';

const PASSWORD = "Sh3lf@:/%#?&'pw";
const BIN = fileURLToPath(new URL('../../bin/smartstock-provision.js', import.meta.url));

/** The real CLI as a technician runs it, in its own process (its command line is what `ps` shows). */
function runBin(
  args: string[],
  o: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(o.stdin ?? '');
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Watches every command line until stopped: what held the password (raw or as the URL spells it), and this process's children seen. */
function watchCommandLines(): { stop(): { leaks: string[]; children: Set<string> } } {
  const leaks = new Set<string>();
  const children = new Set<string>();
  const spelled = [PASSWORD, encodeURIComponent(PASSWORD), 'Sh3lf'];
  const look = () => {
    for (const [pid, line] of commandLines()) if (spelled.some((s) => line.includes(s))) leaks.add(`process ${pid}: ${line}`);
    for (const line of childCommandLines()) children.add(line);
  };
  const timer = setInterval(look, 50);
  return {
    stop: () => {
      clearInterval(timer);
      look();
      return { leaks: [...leaks], children };
    },
  };
}

describe("a camera's password in camera probe and camera preview", () => {
  let source: RtspSource;
  beforeAll(async () => {
    source = await startRtspSource({ size: '640x360', rate: 10, gop: 10, credentials: { user: 'viewer', password: PASSWORD } });
  });
  afterAll(async () => {
    await source?.stop();
  });

  it("probes the camera with it, and no process's command line holds it", async () => {
    expect(source.url).toContain(encodeURIComponent(PASSWORD));
    const watch = watchCommandLines();
    const frameOut = join(mkdtempSync(join(tmpdir(), 'prov-password-')), 'frame.jpg');
    const report = await probeCamera(source.url, { ffmpeg: findFfmpeg(), seconds: 3, frameOut, transport: 'udp', shelfDistanceM: 1 });
    const { leaks, children } = watch.stop();
    expect(report).toMatchObject({ codec: 'h264', width: 640, height: 360, frame: frameOut });
    expect(report.url).toContain('viewer:***@');
    // the probe's own ffmpeg was seen while it ran, so the watch was not looking at nothing
    expect([...children].some((line) => line.includes('showinfo'))).toBe(true);
    expect(leaks).toEqual([]);
  });

  it("previews the camera with it, and no process's command line holds it", async () => {
    const watch = watchCommandLines();
    const preview = await startPreview(source.url, {
      ffmpeg: findFfmpeg(),
      host: '127.0.0.1',
      port: 0,
      fps: 5,
      maxWidth: 320,
      transport: 'udp',
    });
    try {
      const deadline = Date.now() + 20_000;
      while (preview.frames() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const { leaks, children } = watch.stop();
      expect(preview.frames()).toBeGreaterThanOrEqual(2);
      expect([...children].some((line) => line.includes('-f mjpeg pipe:1'))).toBe(true);
      expect(leaks).toEqual([]);
    } finally {
      watch.stop();
      await preview.close();
    }
  });

  it("takes the URL from stdin (`-`) or SMARTSTOCK_CAMERA_URL, and the CLI's own command line never holds it", async () => {
    const frame = join(mkdtempSync(join(tmpdir(), 'prov-password-')), 'frame.jpg');
    const probe = ['camera', 'probe', '--frame', frame, '--seconds', '3', '--transport', 'udp', '--json'];
    const watch = watchCommandLines();
    const fromStdin = await runBin([...probe, '-'], { stdin: `${source.url}\nnot read\n` });
    const fromEnv = await runBin(probe, { env: { SMARTSTOCK_CAMERA_URL: source.url } });
    const { leaks, children } = watch.stop();
    // the CLI itself was seen while it ran, so the watch was not looking at nothing
    expect([...children].some((line) => line.includes('smartstock-provision.js camera probe'))).toBe(true);
    expect(leaks).toEqual([]);
    for (const result of [fromStdin, fromEnv]) {
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, codec: 'h264', width: 640, url: expect.stringContaining('viewer:***@') });
    }
  }, 60_000);

  it('refuses an ffmpeg older than 5, which could read the URL only from its command line, and names the fix', async () => {
    const npmBuild = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    const frame = join(mkdtempSync(join(tmpdir(), 'prov-password-')), 'frame.jpg');
    const watch = watchCommandLines();
    const probed = await cli('camera', 'probe', source.url, '--ffmpeg', npmBuild, '--frame', frame, '--transport', 'udp', '--json');
    const previewed = await cli('camera', 'preview', source.url, '--ffmpeg', npmBuild, '--port', '0', '--transport', 'udp', '--json');
    expect(watch.stop().leaks).toEqual([]);
    for (const result of [probed, previewed]) {
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout + result.stderr).toMatch(/older than ffmpeg 5/);
      expect(result.stdout + result.stderr).toMatch(/install ffmpeg 5 or newer/);
      expect(result.stdout + result.stderr).not.toContain(encodeURIComponent(PASSWORD));
    }
  });
});
