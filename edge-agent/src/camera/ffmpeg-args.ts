import { fileURLToPath } from 'node:url';

export interface FfmpegInput {
  url: string;
  transport: 'tcp' | 'udp';
  sampleEverySeconds: number;
  keyframesOnly: boolean;
  maxWidth: number;
}

/**
 * ffmpeg arguments for one camera: decode as little as possible (keyframes
 * only when asked), sample with the fps filter, and write JPEGs to stdout.
 * file:// sources loop at their native rate, which stands in for a live
 * camera in the demo and the benchmark.
 */
export function ffmpegArgs(i: FfmpegInput): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning'];
  if (i.keyframesOnly) args.push('-skip_frame', 'nokey');
  if (i.url.startsWith('file://')) {
    args.push('-stream_loop', '-1', '-re', '-i', fileURLToPath(i.url));
  } else {
    args.push('-rtsp_transport', i.transport, '-i', i.url);
  }
  const filters = [`fps=1/${i.sampleEverySeconds}`];
  if (i.maxWidth > 0) filters.push(`scale='min(${i.maxWidth},iw)':-2`);
  args.push('-an', '-sn', '-dn', '-vf', filters.join(','), '-c:v', 'mjpeg', '-q:v', '4', '-f', 'image2pipe', 'pipe:1');
  return args;
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
