import { spawnSync } from 'node:child_process';

/**
 * How every SmartStock program hands ffmpeg a network camera (the edge agent's cameras, the
 * provisioning CLI's probe and preview). A camera's URL carries its password, and a process's
 * arguments are anyone's to read (`ps`, /proc/<pid>/cmdline). ffmpeg 5 has no option that reads a
 * URL or its credentials from a file or the environment, and its RTSP demuxer takes them only in
 * the URL; but its concat demuxer reads a script naming the URL, and its per-input options, from
 * any input: stdin, a pipe only the program that spawned ffmpeg holds.
 */
export interface CameraInput {
  /** ffmpeg's input arguments: the concat demuxer reading pipe:0, nothing of the camera's. */
  args: string[];
  /** What to write to ffmpeg's stdin: the script naming the camera's URL. */
  stdin: string;
}

/** Options of the camera's own input (the RTSP demuxer's), in the order they are written. */
export type CameraInputOptions = Record<string, string | number>;

/**
 * The protocols a camera's stream may use once ffmpeg reads its URL from stdin: a nested input
 * otherwise inherits pipe:0's own short list and the camera is refused (rtsps needs tls, UDP rtp).
 */
export const CAMERA_PROTOCOLS = 'pipe,rtsp,rtsps,rtp,srtp,tcp,udp,tls,crypto,data';

/** The concat script naming the camera's URL and its input options (`option` lines, ffmpeg 5 and later). */
export function cameraScript(url: string, options: CameraInputOptions): string {
  // concat's quoting (av_get_token): inside '…' all is literal, a quote is closed, escaped, reopened;
  // a line break would start a directive of the URL's own, so control characters stay percent-encoded
  const quote = (text: string) => `'${text.replace(/\p{Cc}/gu, (c) => encodeURIComponent(c)).replaceAll("'", "'\\''")}'`;
  const word = (value: string) => (/^[\w.+-]+$/.test(value) ? value : quote(value));
  const lines = Object.entries(options).map(([key, value]) => `option ${key} ${word(String(value))}`);
  return ['ffconcat version 1.0', `file ${quote(url)}`, ...lines, ''].join('\n');
}

/** ffmpeg's input arguments for a camera, and the script to write to its stdin. */
export function cameraInput(url: string, options: CameraInputOptions): CameraInput {
  return {
    args: ['-protocol_whitelist', CAMERA_PROTOCOLS, '-f', 'concat', '-safe', '0', '-i', 'pipe:0'],
    stdin: cameraScript(url, options),
  };
}

const readsScripts = new Map<string, boolean>();

/**
 * Whether this ffmpeg takes a camera's input options from its script: concat's `option` lines came
 * with ffmpeg 5, and the npm static build is a 4.x, which refuses the script ("unknown keyword").
 */
export function readsCameraScripts(ffmpeg: string): boolean {
  let reads = readsScripts.get(ffmpeg);
  if (reads === undefined) {
    const probe = spawnSync(ffmpeg, ['-hide_banner', '-f', 'concat', '-safe', '0', '-i', 'pipe:0'], {
      input: cameraScript('/nonexistent/smartstock-probe', { rtsp_transport: 'tcp' }),
      encoding: 'utf8',
      timeout: 10_000,
    });
    reads = !/unknown keyword/i.test(probe.stderr ?? '');
    readsScripts.set(ffmpeg, reads);
  }
  return reads;
}
