/**
 * Reading what ffmpeg printed about a camera: the input stream, the
 * per-frame showinfo lines, and the errors a technician can act on.
 */
export interface StreamInfo {
  codec: string;
  profile: string | null;
  width: number;
  height: number;
  /** The frame rate the stream declares. */
  fps: number | null;
}

export interface FrameTimes {
  frames: number;
  keyframeTimes: number[];
  firstPts: number | null;
  lastPts: number | null;
}

export function parseInputStream(stderr: string): StreamInfo | null {
  // only the Input section: the Output section lists our own encoders' streams
  const start = stderr.indexOf('Input #0');
  if (start < 0) return null;
  const ends = ['Output #0', 'Stream mapping:'].map((m) => stderr.indexOf(m, start)).filter((i) => i > 0);
  const input = stderr.slice(start, ends.length ? Math.min(...ends) : undefined);
  const line = input.split('\n').find((l) => /Stream #0:\d+.*: Video: /.test(l));
  if (!line) return null;
  const m = /Video: ([\w-]+)(?: \(([^)]*)\))?/.exec(line);
  const size = /, (\d{2,5})x(\d{2,5})/.exec(line);
  if (!m || !size) return null;
  const fps = /, ([\d.]+k?) fps/.exec(line) ?? /, ([\d.]+k?) tbr/.exec(line);
  return {
    codec: m[1]!,
    profile: m[2] ?? null,
    width: Number(size[1]),
    height: Number(size[2]),
    fps: fps ? Number(fps[1]!.replace('k', 'e3')) : null,
  };
}

export function parseFrameTimes(stderr: string): FrameTimes {
  const t: FrameTimes = { frames: 0, keyframeTimes: [], firstPts: null, lastPts: null };
  for (const line of stderr.split('\n')) {
    if (!line.includes('showinfo') || !line.includes(' n:')) continue;
    const pts = /pts_time:\s*([-\d.]+)/.exec(line);
    if (!pts) continue;
    const at = Number(pts[1]);
    t.frames++;
    t.firstPts ??= at;
    t.lastPts = at;
    if (/iskey:1/.test(line)) t.keyframeTimes.push(at);
  }
  return t;
}

/** Mean seconds between keyframes; null when fewer than two were seen. */
export function keyframeInterval(keyframeTimes: number[]): number | null {
  if (keyframeTimes.length < 2) return null;
  return (keyframeTimes.at(-1)! - keyframeTimes[0]!) / (keyframeTimes.length - 1);
}

export interface ProbeFailure {
  message: string;
  fix: string;
}

/**
 * The first error in ffmpeg's output a technician can act on, in plain words. `transport` is the
 * RTSP transport that was asked for: a camera (or relay) that serves only the other one answers
 * 461, which is no fault of the path.
 */
export function classifyFailure(stderr: string, transport?: 'tcp' | 'udp'): ProbeFailure | null {
  const other = transport === 'udp' ? 'tcp' : 'udp';
  const rules: [RegExp, string, string][] = [
    [
      /461 Unsupported Transport/i,
      `the camera does not stream over RTSP ${transport ? transport.toUpperCase() : 'with this transport'}`,
      `probe again with --transport ${other}, and give the camera that transport in the device's config`,
    ],
    [
      /401 Unauthorized|Unauthorized/i,
      'the camera refused the credentials',
      'check the user and password in the URL (rtsp://user:pass@host/…)',
    ],
    [/403 Forbidden/i, 'the camera forbids this user the stream', 'give the camera user the right to view live video'],
    [
      /404 Not Found|Method DESCRIBE failed/i,
      'the camera has no stream at that path',
      "check the path after the host in the camera's manual (e.g. /stream1)",
    ],
    [
      /Connection refused/i,
      'nothing is listening at that address and port',
      'check the IP address and RTSP port (usually 554), and that RTSP is enabled on the camera',
    ],
    [
      /timed out|Connection timed out|No route to host|Network is unreachable/i,
      'the camera did not answer',
      'check the camera is powered and on the same network as this computer',
    ],
    [
      /Name or service not known|Temporary failure in name resolution|Failed to resolve hostname/i,
      'the camera host name does not resolve',
      'use the camera IP address',
    ],
    // ffmpeg's word for an RTSP handshake that got no reply it could read: something took the TCP
    // connection (a web port, a busy camera, a silent one) but no RTSP camera answered; the codec is not yet known
    [
      /Invalid data found when processing input/i,
      'something took the connection but no RTSP camera answered',
      "check the port is the camera's RTSP port (usually 554, not its web page's 80 or 443), that RTSP is enabled, and that no other viewer holds the camera",
    ],
    [/could not find codec parameters|Invalid data found/i, 'the stream could not be decoded', 'set the camera to H.264 (or H.265) video'],
  ];
  for (const [re, message, fix] of rules) if (re.test(stderr)) return { message, fix };
  return null;
}
