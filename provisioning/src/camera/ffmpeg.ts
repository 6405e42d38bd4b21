import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cameraInput, readsCameraScripts, redactUrl } from '@smartstock/runtime';

// Which ffmpeg runs is findFfmpeg's rule (@smartstock/runtime). Everything here uses ffmpeg
// alone (no ffprobe), because the npm static build has none.

/** A camera fault, or a setup one, in plain words, with what the technician can do about it. */
export class CameraError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** ffmpeg's arguments for one run, and the script it reads on stdin (the camera's URL), if any. */
export interface FfmpegCommand {
  args: string[];
  stdin?: string | undefined;
}

export interface FfmpegRun {
  code: number | null;
  stderr: string;
  timedOut: boolean;
}

/** Runs ffmpeg to completion (or `timeoutMs`), keeping stderr, where it reports everything we parse. */
export function runFfmpeg(ffmpeg: string, command: FfmpegCommand, timeoutMs: number): Promise<FfmpegRun> {
  return new Promise((resolve, reject) => {
    const child = spawnWithInput(ffmpeg, command, ['ignore', 'pipe']);
    let stderr = '';
    let timedOut = false;
    child.stderr!.on('data', (chunk) => {
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

/** Spawns ffmpeg with `stdout` and `stderr` as given, writing the command's script (if any) to its stdin. */
export function spawnWithInput(ffmpeg: string, command: FfmpegCommand, [stdout, stderr]: ['ignore' | 'pipe', 'pipe']): ChildProcess {
  const child = spawn(ffmpeg, command.args, { stdio: [command.stdin === undefined ? 'ignore' : 'pipe', stdout, stderr] });
  if (command.stdin !== undefined && child.stdin) {
    child.stdin.on('error', () => {}); // an ffmpeg that dies before reading it says why on stderr and by its exit
    child.stdin.end(command.stdin);
  }
  return child;
}

/**
 * ffmpeg's input for a camera, with options that make a network camera answer or fail promptly. An
 * RTSP URL carries the camera's password, so ffmpeg reads it from stdin, never from its command line
 * (cameraInput, the edge agent's way too); a file is named on the command line, having no password.
 */
export function cameraFfmpegInput(ffmpeg: string, url: string, transport: 'tcp' | 'udp' = 'tcp'): FfmpegCommand {
  if (!/^rtsps?:/.test(url)) return { args: ['-i', url] };
  if (!readsCameraScripts(ffmpeg))
    throw new CameraError(
      `${ffmpeg} is older than ffmpeg 5: it cannot read a camera's URL off its command line, where every user of this computer would see the password`,
      'install ffmpeg 5 or newer (e.g. apt install ffmpeg), or name one with --ffmpeg or SMARTSTOCK_FFMPEG',
    );
  return cameraInput(url, { rtsp_transport: transport, [socketTimeoutOption(ffmpeg)]: 10_000_000 }); // microseconds
}

const timeoutOptions = new Map<string, string>();

/**
 * The RTSP socket timeout is `timeout` from ffmpeg 5 on, and `stimeout` before: there
 * `timeout` means "wait for a camera to connect to us" and would make ffmpeg listen on the
 * camera's port (the npm static build is a 4.x).
 */
function socketTimeoutOption(ffmpeg: string): string {
  let option = timeoutOptions.get(ffmpeg);
  if (!option) {
    const help = spawnSync(ffmpeg, ['-hide_banner', '-h', 'demuxer=rtsp'], { encoding: 'utf8' }).stdout ?? '';
    option = /^\s*-stimeout\b/m.test(help) ? 'stimeout' : 'timeout';
    timeoutOptions.set(ffmpeg, option);
  }
  return option;
}
