import { CliError, EXIT, emit, usageError, type Ctx } from '../cli/output.js';
import { findFfmpeg } from '@smartstock/runtime';
import { ProbeError, probeCamera } from '../camera/probe.js';

export interface CameraProbeOptions {
  seconds: string;
  frame: string;
  transport: 'tcp' | 'udp';
  shelfDistance: string;
  ffmpeg?: string;
}

export async function cameraProbe(ctx: Ctx, o: CameraProbeOptions, args: string[]): Promise<void> {
  const url = args[0]!;
  if (!/^(rtsps?|file):\/\//.test(url) && !url.startsWith('/'))
    throw usageError('expected an rtsp:// URL', 'e.g. rtsp://user:pass@192.168.1.20:554/stream1');
  const seconds = Number(o.seconds);
  const shelfDistanceM = Number(o.shelfDistance);
  if (!(seconds >= 2 && seconds <= 60)) throw usageError('--seconds must be between 2 and 60');
  if (!(shelfDistanceM > 0 && shelfDistanceM <= 20)) throw usageError('--shelf-distance must be between 0 and 20 metres');
  ctx.note(`reading ${seconds} s of video…`);
  let r;
  try {
    r = await probeCamera(url, { ffmpeg: findFfmpeg(o.ffmpeg), seconds, frameOut: o.frame, transport: o.transport, shelfDistanceM });
  } catch (e) {
    if (e instanceof ProbeError) throw new CliError(e.message, EXIT.failure, e.fix);
    throw e;
  }
  emit(ctx, r, () =>
    [
      `Camera ${r.url}`,
      `  video        ${r.codec}${r.profile ? ` (${r.profile})` : ''} ${r.width}x${r.height}`,
      `  frame rate   ${r.fps ?? '?'} fps declared, ${r.measuredFps ?? '?'} measured`,
      `  keyframes    ${r.keyframeIntervalS === null ? 'fewer than two seen' : `every ${r.keyframeIntervalS} s`}`,
      `  frame        ${r.frame ?? 'not saved'}`,
      ...(r.warnings.length ? ['Warnings:', ...r.warnings.map((w) => `  - ${w}`)] : ['No warnings: this camera is ready.']),
    ].join('\n'),
  );
}
