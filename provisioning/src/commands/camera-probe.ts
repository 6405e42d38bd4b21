import { CliError, EXIT, emit, usageError, type Ctx } from '../cli/output.js';
import { findFfmpeg } from '@smartstock/runtime';
import { CameraError } from '../camera/ffmpeg.js';
import { cameraUrlFrom } from '../camera/url-input.js';
import { probeCamera } from '../camera/probe.js';

export interface CameraProbeOptions {
  seconds: string;
  frame: string;
  transport: 'tcp' | 'udp';
  shelfDistance: string;
  ffmpeg?: string;
}

export async function cameraProbe(ctx: Ctx, options: CameraProbeOptions, args: string[]): Promise<void> {
  const url = await cameraUrlFrom(args[0]);
  if (!/^(rtsps?|file):\/\//.test(url) && !url.startsWith('/'))
    throw usageError('expected an rtsp:// URL', 'e.g. rtsp://user:pass@192.168.1.20:554/stream1');
  const seconds = Number(options.seconds);
  const shelfDistanceM = Number(options.shelfDistance);
  if (!(seconds >= 2 && seconds <= 60)) throw usageError('--seconds must be between 2 and 60');
  if (!(shelfDistanceM > 0 && shelfDistanceM <= 20)) throw usageError('--shelf-distance must be between 0 and 20 metres');
  ctx.note(`reading ${seconds} s of video…`);
  let probed;
  try {
    probed = await probeCamera(url, {
      ffmpeg: findFfmpeg(options.ffmpeg),
      seconds,
      frameOut: options.frame,
      transport: options.transport,
      shelfDistanceM,
    });
  } catch (err) {
    if (err instanceof CameraError) throw new CliError(err.message, EXIT.failure, err.fix);
    throw err;
  }
  emit(ctx, probed, () =>
    [
      `Camera ${probed.url}`,
      `  video        ${probed.codec}${probed.profile ? ` (${probed.profile})` : ''} ${probed.width}x${probed.height}`,
      `  frame rate   ${probed.fps ?? '?'} fps declared, ${probed.measuredFps ?? '?'} measured`,
      `  keyframes    ${probed.keyframeIntervalS === null ? 'fewer than two seen' : `every ${probed.keyframeIntervalS} s`}`,
      `  frame        ${probed.frame ?? 'not saved'}`,
      ...(probed.warnings.length ? ['Warnings:', ...probed.warnings.map((w) => `  - ${w}`)] : ['No warnings: this camera is ready.']),
    ].join('\n'),
  );
}
