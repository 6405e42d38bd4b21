import { spawn, spawnSync } from 'node:child_process';
import { redactUrl } from '@smartstock/runtime';

// Which ffmpeg runs is findFfmpeg's rule (@smartstock/runtime). Everything here uses ffmpeg
// alone (no ffprobe), because the npm static build has none.

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
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
      if (stderr.length > 4_000_000) stderr = stderr.slice(-2_000_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${ffmpeg}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: redactUrl(stderr), timedOut });
    });
  });
}

/** Input options that make a network camera answer or fail promptly. */
export function inputArgs(ffmpeg: string, url: string, transport: 'tcp' | 'udp' = 'tcp'): string[] {
  if (!/^rtsps?:/.test(url)) return ['-i', url];
  return ['-rtsp_transport', transport, socketTimeoutOption(ffmpeg), '10000000', '-i', url]; // microseconds
}

const timeoutOptions = new Map<string, string>();

/**
 * The RTSP socket timeout is `-timeout` from ffmpeg 5 on, and `-stimeout` before: there
 * `-timeout` means "wait for a camera to connect to us" and would make ffmpeg listen on the
 * camera's port (the npm static build is a 4.x).
 */
function socketTimeoutOption(ffmpeg: string): string {
  let option = timeoutOptions.get(ffmpeg);
  if (!option) {
    const help = spawnSync(ffmpeg, ['-hide_banner', '-h', 'demuxer=rtsp'], { encoding: 'utf8' }).stdout ?? '';
    option = /^\s*-stimeout\b/m.test(help) ? '-stimeout' : '-timeout';
    timeoutOptions.set(ffmpeg, option);
  }
  return option;
}
