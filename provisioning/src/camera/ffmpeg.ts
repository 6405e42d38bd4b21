import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { redactUrl } from '@smartstock/runtime';

/**
 * Which ffmpeg to run: the flag or SMARTSTOCK_FFMPEG, else the system one,
 * else the static build the edge agent ships. Everything here uses ffmpeg
 * alone (no ffprobe), because the static build has none.
 */
export function findFfmpeg(explicit?: string): string {
  if (explicit) return explicit;
  for (const p of ['/usr/bin/ffmpeg', '/usr/local/bin/ffmpeg']) if (existsSync(p)) return p;
  try {
    const installer = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
    if (existsSync(installer.path)) return installer.path;
  } catch {
    // not installed: fall through to PATH
  }
  return 'ffmpeg';
}

export interface FfmpegRun {
  code: number | null;
  stderr: string;
  timedOut: boolean;
}

/** Runs ffmpeg to completion (or `timeoutMs`), keeping stderr, where it reports everything we parse. */
export function runFfmpeg(ffmpeg: string, args: string[], timeoutMs: number): Promise<FfmpegRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d) => {
      stderr += String(d);
      if (stderr.length > 4_000_000) stderr = stderr.slice(-2_000_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${ffmpeg}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: redactUrl(stderr), timedOut });
    });
  });
}

/** Input options that make a network camera answer or fail promptly. */
export function inputArgs(url: string, transport: 'tcp' | 'udp' = 'tcp'): string[] {
  if (!/^rtsps?:/.test(url)) return ['-i', url];
  return ['-rtsp_transport', transport, '-timeout', '10000000', '-i', url]; // socket timeout in microseconds
}
