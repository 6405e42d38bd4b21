import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFfmpeg } from '@smartstock/runtime';
import { loopAsCameraArgs } from '../../src/camera/ffmpeg-args.js';
import { startRtspRelay } from '../../../scripts/demo/rtsp-relay.js';

export const ffmpeg = findFfmpeg();

/**
 * A short H.264 test clip with a keyframe every `keyframeEverySeconds` (1: like a camera's usual GOP; 8 or
 * more: a "smart codec" camera or a long GOP at a low rate), and none in between (no scene-cut keyframes).
 */
export function makeTestVideo(seconds = 6, keyframeEverySeconds = 1): string {
  const out = join(mkdtempSync(join(tmpdir(), 'ss-video-')), 'test.mp4');
  const r = spawnSync(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=320x240:rate=10:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(10 * keyframeEverySeconds),
    '-sc_threshold',
    '0',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg could not make the test video: ${r.stderr.toString()}`);
  return out;
}

/** Turns a folder of JPEG frames (frame-0000.jpg …) into an H.264 clip at `fps`. */
export function videoFromFrames(pattern: string, fps: number, out: string): string {
  const r = spawnSync(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-framerate',
    String(fps),
    '-i',
    pattern,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(Math.max(1, Math.round(fps))),
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg could not make the video: ${r.stderr.toString()}`);
  return out;
}

export interface Publisher {
  url: string;
  stop(): Promise<void>;
  start(): void;
}

/** ffmpeg publishing a looping file to an RTSP URL (ANNOUNCE), or serving one TCP reader itself (`listen`). */
export function publishLoop(video: string, url: string, listen = false): Publisher {
  let child: ChildProcess | null = null;
  const start = () => {
    child = spawn(ffmpeg, loopAsCameraArgs(video, url, listen ? 'listen' : 'publish-udp'), {
      stdio: process.env.PUBLOG ? 'inherit' : 'ignore',
    });
  };
  start();
  return {
    url,
    start,
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const done = new Promise((r) => c.once('exit', r));
      // SIGINT lets ffmpeg send TEARDOWN, so the server frees the mount for the next publisher.
      c.kill('SIGINT');
      const t = setTimeout(() => c.kill('SIGKILL'), 3000);
      await done;
      clearTimeout(t);
    },
  };
}

export interface RtspRelay {
  publishUrl: string;
  readUrl: string;
  stop(): Promise<void>;
}

/** The npm RTSP server on loopback, on free ports: ffmpeg publishes to it, readers get RTP over UDP. */
export async function startRtspServer(mount = '/shelf'): Promise<RtspRelay> {
  const relay = await startRtspRelay({ host: '127.0.0.1' });
  return { publishUrl: relay.publishUrl(mount), readUrl: relay.readUrl(mount), stop: () => relay.stop() };
}
