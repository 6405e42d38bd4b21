import { redactUrl } from '@smartstock/runtime';

/** The last N lines ffmpeg wrote, credentials already redacted, for the failure summary (frigate LogPipe). */
export class StderrRing {
  private readonly lines: string[] = [];
  private partial = '';
  private droppedLast = false;

  constructor(private readonly size = 100) {}

  /** Adds ffmpeg's lines; those `claim` takes (the packet list, packet-lines.ts) are neither kept nor returned. */
  push(chunk: Buffer | string, claim?: (line: string) => boolean): string[] {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n|\r/);
    this.partial = parts.pop() ?? '';
    const added: string[] = [];
    for (const rawLine of parts) {
      if (!rawLine.trim() || claim?.(rawLine)) continue;
      // noise ffmpeg writes for every JPEG it encodes: within minutes it was all the ring held, and the
      // "camera restarting" log of a stalled camera showed nothing else
      const noise = NOISE.test(rawLine) || (this.droppedLast && /^\s*Last message repeated/.test(rawLine));
      this.droppedLast = noise;
      if (noise) continue;
      const line = redactUrl(rawLine);
      this.lines.push(line);
      added.push(line);
      if (this.lines.length > this.size) this.lines.shift();
    }
    return added;
  }

  snapshot(): string[] {
    return this.partial.trim() ? [...this.lines, redactUrl(this.partial)] : [...this.lines];
  }

  clear(): void {
    this.lines.length = 0;
    this.partial = '';
  }
}

/** ffmpeg's swscale warns of the full-range YUV the MJPEG encoder takes, once per picture and scaler. */
const NOISE = /deprecated pixel format used/;

/** The summary of a run the camera refused for its user or password (watchdog.ts waits longer after it). */
export const AUTH_FAILED = 'auth failed: check the camera user and password';

// Status codes as whole words: ffmpeg's lines carry its objects' addresses ("[rtsp @ 0x55d2a401c980]") and
// the URL it could not open, whose port (44011) once read as a 401 and called a missing path a wrong password
const PATTERNS: [RegExp, string][] = [
  [/\b401\b|unauthori[sz]ed|authenticat/i, AUTH_FAILED],
  [/\b404\b|not found|no such file/i, 'stream not found (404): check the camera path'],
  [/connection refused/i, 'connection refused: camera offline or wrong port'],
  [/no route to host|network is unreachable|host is down/i, 'camera unreachable on the network'],
  [/timed? ?out|timeout/i, 'timed out talking to the camera'],
  // before the codec rule: a camera's "461 Unsupported transport" is not a codec problem
  [/\b461\b|unsupported transport/i, 'transport refused: try transport udp or tcp'],
  // what ffmpeg says when the answer to its first request is not RTSP at all: the camera's web port (80),
  // a closed connection; not a codec problem (it used to be reported as one)
  [/invalid data found when processing input/i, 'the camera did not answer in RTSP: check the port (usually 554) and the path'],
  [/unsupported|decoder .* not found|could not find codec|codec not currently supported/i, 'codec: stream format not supported'],
];

/** One plain sentence for the technician, from ffmpeg's last lines. */
export function summariseFfmpegFailure(lines: readonly string[], exitCode: number | null): string {
  for (const [re, what] of PATTERNS) if (lines.some((l) => re.test(l))) return what;
  const last = lines.at(-1);
  return last ? `ffmpeg exited (${exitCode ?? 'signal'}): ${last.slice(0, 200)}` : `ffmpeg exited (${exitCode ?? 'signal'})`;
}
