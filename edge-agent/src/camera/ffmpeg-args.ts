import { fileURLToPath } from 'node:url';
import { cameraInput } from '@smartstock/runtime';

export interface FfmpegInput {
  url: string;
  transport: 'tcp' | 'udp';
  sampleEverySeconds: number;
  keyframesOnly: boolean;
  maxWidth: number;
  /** Also write each sampled frame raw (PPM) for the vision models, beside the JPEG. */
  rawFrames?: boolean;
  /**
   * The detector's input size (BottleVision.input). With it the raw frame is shrunk as the models
   * shrink a JPEG on load, and a third picture is the frame at the detector's letterboxed size.
   * Without it (a tiled detector) the raw frame keeps the JPEG's size.
   */
  detectorInput?: { width: number; height: number } | undefined;
  /**
   * Also list every video packet on stderr as it arrives (a stream copy into the framecrc muxer, one short
   * line a packet, keyframes flagged; packet-lines.ts reads them). A keyframe-only decoder is silent between
   * keyframes: this tells a camera whose keyframes are far apart from one that stalled, for little CPU
   * (no decoding, a checksum of each packet).
   */
  packetLog?: boolean;
}

/** What the agent runs for one camera: ffmpeg's arguments, and what it writes to ffmpeg's stdin. */
export interface FfmpegCommand {
  args: string[];
  /** A script ffmpeg reads as its input (pipe:0): it names the camera's URL, kept off the command line. */
  stdin?: string | undefined;
}

/** The pipe (file descriptor of the child) each picture of a sampled frame comes out of. */
export const PIPES = { jpeg: 1, frame: 3, view: 4 } as const;

/**
 * ffmpeg arguments for one camera: decode as little as possible (keyframes
 * only when asked), sample with the fps filter, and write JPEGs to stdout.
 * With raw frames, the same sampled frame also goes out as RGB (PPM) on pipe 3,
 * at the size the models would decode the JPEG at, and at the detector's
 * letterboxed size on pipe 4: ffmpeg's scaler, in the camera's own process,
 * does what decoding and resizing the JPEG in the agent did. file:// sources
 * loop at their native rate, which stands in for a live camera in the demo and
 * the benchmark.
 */
export function ffmpegArgs(i: FfmpegInput): FfmpegCommand {
  // -nostdin: no keyboard commands; a camera's script is still read from stdin as its input
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning'];
  if (i.keyframesOnly) args.push('-skip_frame', 'nokey');
  let stdin: string | undefined;
  if (i.url.startsWith('file://')) {
    args.push('-stream_loop', '-1', '-re', '-i', fileURLToPath(i.url));
  } else {
    // A camera whose resolution is changed mid-stream would otherwise be scaled (squashed) to its first
    // size for as long as ffmpeg runs; with this ffmpeg warns (RESOLUTION_CHANGED) and camera.ts restarts it.
    args.push('-reinit_filter', '0');
    // the URL and its password reach ffmpeg on stdin, never its command line (cameraInput, @smartstock/runtime).
    // Real cameras' clocks are not to be trusted: one set by NTP mid-stream moves its RTP timestamps by
    // hours, and the fps filter then fills the gap with thousands of copies of one picture in a burst.
    // The agent's own clock stamps each packet as it arrives instead.
    const input = cameraInput(i.url, { rtsp_transport: i.transport, use_wallclock_as_timestamps: 1 });
    args.push(...input.args);
    stdin = input.stdin;
  }
  const filters = [`fps=1/${i.sampleEverySeconds}`];
  if (i.maxWidth > 0) filters.push(limitLongestSide(i.maxWidth));
  const jpeg = ['-c:v', 'mjpeg', '-q:v', '4', '-f', 'image2pipe', `pipe:${PIPES.jpeg}`];
  // flushed a packet at a time: the watchdog reads when each one arrived
  const packets = i.packetLog ? ['-map', '0:v:0', '-c', 'copy', '-flush_packets', '1', '-f', 'framecrc', 'pipe:2'] : [];
  if (!i.rawFrames) {
    args.push('-an', '-sn', '-dn', '-vf', filters.join(','), ...jpeg, ...packets);
    return { args, stdin };
  }
  const detector = i.detectorInput;
  const rgb = (scale: string) => `scale=${scale}:flags=bilinear,format=rgb24`;
  const graph = [
    `[0:v]${filters.join(',')},split=${detector ? 3 : 2}[jpeg][f]${detector ? '[v]' : ''}`,
    `[f]${detector ? rgb(`w='${shrinkOnLoadWidth(detector)}':h=-2`) : 'format=rgb24'}[frame]`,
    ...(detector ? [`[v]${rgb(`${detector.width}:${detector.height}:force_original_aspect_ratio=decrease`)}[view]`] : []),
  ];
  const ppm = (pipe: number) => ['-c:v', 'ppm', '-f', 'image2pipe', `pipe:${pipe}`];
  args.push('-filter_complex', graph.join(';'), '-map', '[jpeg]', ...jpeg, '-map', '[frame]', ...ppm(PIPES.frame));
  if (detector) args.push('-map', '[view]', ...ppm(PIPES.view));
  args.push(...packets);
  return { args, stdin };
}

/** ffmpeg's warning for a picture whose size or format differs from the one its filters were set up for. */
export const RESOLUTION_CHANGED = /Changing video frame properties on the fly/;

/** Shrinks the longer side to at most `max` (a portrait camera, 1080x1920, is limited by its height), keeping the aspect. */
export function limitLongestSide(max: number): string {
  return `scale='if(gte(iw,ih),min(${max},iw),-2)':'if(gte(iw,ih),-2,min(${max},ih))'`;
}

/**
 * The width the vision library decodes a JPEG of width iw, height ih at (decodeImage's shrink-on-load in
 * models/src/vision/preprocess.ts), as an ffmpeg expression: halved, up to twice, while the half is at
 * least 320 wide and the letterbox would still shrink it by 1.5x or more. A 1280x720 frame gives 640.
 */
export function shrinkOnLoadWidth(size: { width: number; height: number }): string {
  const fits = (k: number) => `gte(iw/${k},320)*lte(min(${size.width}/(iw/${k}),${size.height}/(ih/${k})),${1 / 1.5})`;
  return `trunc(if(${fits(2)},if(${fits(4)},iw/4,iw/2),iw)/2)*2`;
}
/**
 * ffmpeg arguments that play a video file in a loop, in real time, as an RTSP camera: publishing
 * to a server over UDP (rtsp-streaming-server accepts only that), or serving one reader itself
 * (`listen`). The demo camera and the tests' cameras are both this.
 */
export function loopAsCameraArgs(video: string, url: string, mode: 'publish-udp' | 'listen'): string[] {
  return [
    ...['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', video, '-c', 'copy', '-f', 'rtsp'],
    ...(mode === 'listen' ? ['-rtsp_flags', 'listen'] : ['-rtsp_transport', 'udp']),
    url,
  ];
}
