import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './rtsp.js';

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
  /** rtsp://[user:password@]127.0.0.1:port/mount */
  url(credentials?: { user: string; password: string }): string;
  /** SIGKILL: the camera vanishes mid-stream, as when it loses power. */
  kill(): void;
  /** Serve again on the same port, as a camera does when it boots. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startGstRtsp(o: { tcpOnly?: boolean; user?: string; password?: string } = {}): Promise<GstRtsp> {
  if (!PYTHON) throw new Error(gstMissing);
  const port = await freePort();
  const args = [SCRIPT, String(port), 'shelf'];
  if (o.tcpOnly) args.push('--tcp-only');
  if (o.user) args.push('--user', o.user, '--password', o.password ?? '');
  let child: ChildProcess | null = null;
  const start = async () => {
    const c = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
    url: (cr) => `rtsp://${cr ? `${cr.user}:${cr.password}@` : ''}127.0.0.1:${port}/shelf`,
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
      c.kill('SIGTERM');
      await done;
    },
  };
}
