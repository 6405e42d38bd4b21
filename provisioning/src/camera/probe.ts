import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { redactUrl } from '@smartstock/runtime';
import { CameraError, cameraFfmpegInput, runFfmpeg } from './ffmpeg.js';
import { classifyFailure, keyframeInterval, parseFrameTimes, parseInputStream, type StreamInfo } from './probe-parse.js';

/**
 * `camera probe`: one ffmpeg session reads a few seconds of the stream
 * (codec, size, frame rate, keyframe spacing) and saves one frame, so a
 * camera that serves a single reader at a time is opened only once.
 */
export interface ProbeOptions {
  ffmpeg: string;
  seconds: number;
  frameOut: string;
  transport?: 'tcp' | 'udp';
  /** Metres from the camera to the farthest shelf: sets the resolution we ask for. */
  shelfDistanceM: number;
}

export interface ProbeReport extends StreamInfo {
  url: string;
  measuredFps: number | null;
  keyframeIntervalS: number | null;
  framesRead: number;
  frame: string | null;
  warnings: string[];
}

export class ProbeError extends CameraError {}

/** Pixels of width we want per metre of shelf distance: a 750 ml bottle then spans ~25 px, enough for the detector. */
const WIDTH_PER_METRE = 640;
const MAX_KEYFRAME_INTERVAL_S = 4;

export async function probeCamera(url: string, o: ProbeOptions): Promise<ProbeReport> {
  const frame = resolve(o.frameOut);
  mkdirSync(dirname(frame), { recursive: true });
  // ffmpeg writes beside the frame and the frame is replaced only by a fresh one: a failed probe
  // keeps the technician's last good frame, and a stale one never passes for fresh (frame: null)
  const ext = extname(frame); // ffmpeg picks the image format by it
  const fresh = join(dirname(frame), `.${basename(frame, ext)}.probe-${process.pid}${ext}`);
  try {
    return await probeInto(url, o, frame, fresh);
  } finally {
    rmSync(fresh, { force: true });
  }
}

async function probeInto(url: string, o: ProbeOptions, frame: string, fresh: string): Promise<ProbeReport> {
  const input = cameraFfmpegInput(o.ffmpeg, url, o.transport);
  const args = [
    '-hide_banner',
    // no keyboard commands; a camera's script is still read from stdin as its input
    '-nostdin',
    // the time limit on the input, not the output: ffmpeg 4 (the npm build) keeps reading a live
    // stream after both outputs have finished when the limit is an output's
    ...['-t', String(o.seconds)],
    ...input.args,
    ...['-map', '0:v:0', '-vf', 'showinfo', '-f', 'null', '-'],
    ...['-map', '0:v:0', '-frames:v', '1', '-update', '1', '-y', fresh],
  ];
  const run = await runFfmpeg(o.ffmpeg, { args, stdin: input.stdin }, (o.seconds + 30) * 1000);
  const stream = parseInputStream(run.stderr);
  if (!stream) {
    const known = classifyFailure(run.stderr, o.transport);
    if (known) throw new ProbeError(known.message, known.fix);
    const last = run.stderr.trim().split('\n').at(-1) ?? '';
    throw new ProbeError(
      run.timedOut ? 'the camera did not send video in time' : `ffmpeg could not read the stream: ${last}`,
      'check the URL in VLC from this computer, then retry',
    );
  }
  const times = parseFrameTimes(run.stderr);
  const span = times.firstPts !== null && times.lastPts !== null ? times.lastPts - times.firstPts : 0;
  const measuredFps = times.frames > 1 && span > 0 ? Math.round(((times.frames - 1) / span) * 10) / 10 : null;
  const interval = keyframeInterval(times.keyframeTimes);
  const report: ProbeReport = {
    url: redactUrl(url),
    ...stream,
    measuredFps,
    keyframeIntervalS: interval === null ? null : Math.round(interval * 100) / 100,
    framesRead: times.frames,
    frame: existsSync(fresh) ? (renameSync(fresh, frame), frame) : null,
    warnings: [],
  };
  report.warnings = warningsFor(report, o);
  return report;
}

export function warningsFor(r: Omit<ProbeReport, 'warnings'>, o: Pick<ProbeOptions, 'seconds' | 'shelfDistanceM'>): string[] {
  const w: string[] = [];
  const wantWidth = Math.round(WIDTH_PER_METRE * o.shelfDistanceM);
  if (r.width < wantWidth)
    w.push(
      `resolution ${r.width}x${r.height} is low for shelves ${o.shelfDistanceM} m away: bottles will be too small to count. Set the camera to at least ${wantWidth} pixels wide, or move it closer.`,
    );
  if (r.keyframeIntervalS === null)
    w.push(
      `fewer than two keyframes in ${o.seconds} s: keyframes are too sparse. The agent decodes keyframes only; set the camera's I-frame interval (GOP) to 1-2 seconds.`,
    );
  else if (r.keyframeIntervalS > MAX_KEYFRAME_INTERVAL_S)
    w.push(
      `a keyframe every ${r.keyframeIntervalS} s is too sparse: the agent decodes keyframes only, so shelves update that slowly. Set the I-frame interval (GOP) to 1-2 seconds.`,
    );
  const fps = r.measuredFps ?? r.fps;
  if (fps !== null && fps > 15) w.push(`${fps} fps is more than counting needs: 5-10 fps saves network and CPU on the edge computer.`);
  if (!['h264', 'hevc', 'mjpeg'].includes(r.codec))
    w.push(`codec ${r.codec} is unusual for cameras: H.264 is the safest choice for the edge computer.`);
  if (!r.frame) w.push('no frame could be saved: the stream may have ended early.');
  return w;
}
