import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../e2e/src/ports.js';

const SCRIPT = fileURLToPath(new URL('./gst_rtsp_server.py', import.meta.url));
// Debian's python3 carries the GObject bindings (python3-gi); a pyenv python on PATH may not
const PYTHON = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import gi; gi.require_version("GstRtspServer", "1.0")']).status === 0,
);

/** Why GStreamer's RTSP server cannot run here, or undefined when it can. */
export const gstMissing = PYTHON
  ? undefined
  : 'GStreamer RTSP server not installed (apt-get install gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly python3-gi)';

export interface GstRtsp {
  /** rtsp://[user:password@]127.0.0.1:port/mount (rtsps:// with tls); the password is URL-encoded. */
  url(credentials?: { user: string; password: string }): string;
  /** SIGSTOP / SIGCONT: the camera hangs with its sockets open, then carries on. */
  pause(): void;
  resume(): void;
  /** SIGKILL: the camera vanishes mid-stream, as when it loses power. */
  kill(): void;
  /** Serve again on the same port, as a camera does when it boots. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface GstOptions {
  tcpOnly?: boolean;
  /** Refuse interleaved TCP (461), as some cameras and NVRs do. */
  udpOnly?: boolean;
  user?: string;
  password?: string;
  /** Digest instead of Basic authentication. */
  digest?: boolean;
  /** An H.264 MP4 to serve (each reader plays it from the start) instead of the moving test pattern. */
  video?: string;
  /** A gst-launch bin with payloaders pay0, pay1, … (H.265, MJPEG, audio, 4K, 1 fps …). */
  launch?: string;
  /** RTSP over TLS (rtsps://) with this certificate and key. */
  tls?: { certFile: string; keyFile: string };
  /** After `after` seconds the capsfilter named "size" in `launch` gets these caps (a resolution change). */
  switchCaps?: { caps: string; after: number };
  /** After `after` seconds every RTP timestamp moves by `seconds` (the camera's clock is set). */
  tsJump?: { seconds: number; after: number };
  /** The mount path, query string included (default /shelf). */
  mount?: string;
}

/** The command line of the server, for a caller that supervises the process itself (the fault suite). */
export function gstRtspCommand(port: number, mount: string, o: GstOptions = {}): { cmd: string; args: string[] } {
  if (!PYTHON) throw new Error(gstMissing);
  const args = [SCRIPT, String(port), mount];
  if (o.tcpOnly) args.push('--tcp-only');
  if (o.user) args.push('--user', o.user, '--password', o.password ?? '');
  if (o.udpOnly) args.push('--udp-only');
  if (o.digest) args.push('--digest');
  if (o.video) args.push('--video', o.video);
  if (o.launch) args.push('--launch', o.launch);
  if (o.tls) args.push('--tls-cert', o.tls.certFile, '--tls-key', o.tls.keyFile);
  if (o.switchCaps) args.push('--switch-caps', o.switchCaps.caps, '--switch-after', String(o.switchCaps.after));
  if (o.tsJump) args.push('--ts-jump', String(o.tsJump.seconds), '--ts-jump-after', String(o.tsJump.after));
  return { cmd: PYTHON, args };
}

export async function startGstRtsp(o: GstOptions = {}): Promise<GstRtsp> {
  const port = await freePort();
  const mount = o.mount ?? '/shelf';
  const { cmd, args } = gstRtspCommand(port, mount.split('?')[0]!, o);
  let child: ChildProcess | null = null;
  const start = async () => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let err = '';
    c.stderr!.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      c.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
      c.once('exit', (code) => reject(new Error(`gst-rtsp-server exited ${code}: ${err}`)));
    });
  };
  await start();
  return {
    url: (cr) =>
      `${o.tls ? 'rtsps' : 'rtsp'}://${cr ? `${encodeURIComponent(cr.user)}:${encodeURIComponent(cr.password)}@` : ''}127.0.0.1:${port}${mount}`,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    kill() {
      child?.kill('SIGKILL');
      child = null;
    },
    start,
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const done = new Promise((r) => c.once('exit', r));
      c.kill('SIGCONT'); // a paused server would not see the SIGTERM
      c.kill('SIGTERM');
      await done;
    },
  };
}
