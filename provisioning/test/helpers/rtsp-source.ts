import { spawn, type ChildProcess } from 'node:child_process';
import { findFfmpeg } from '@smartstock/runtime';
import { startRtspRelay } from '../../../scripts/demo/rtsp-relay.js';

/**
 * A real RTSP camera stand-in: the npm RTSP server (the demo's relay, on free
 * ports), fed by ffmpeg encoding a synthetic H.264 test pattern (ffmpeg 5.1's RTSP muxer cannot listen
 * itself). Readers get RTP over UDP. `credentials` makes it refuse others.
 */
export interface RtspSource {
  /** The reader URL, with credentials when the source requires them. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startRtspSource(
  opts: { size?: string; rate?: number; gop?: number; credentials?: { user: string; password: string } } = {},
): Promise<RtspSource> {
  const creds = opts.credentials;
  const relay = await startRtspRelay({
    host: '127.0.0.1',
    readerHooks: creds ? { authentication: async (u, p) => u === creds.user && p === creds.password } : {},
  });
  const publish = relay.publishUrl('/cam');
  const child: ChildProcess = spawn(
    findFfmpeg(),
    [
      ...['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi'],
      ...['-i', `testsrc=size=${opts.size ?? '1280x720'}:rate=${opts.rate ?? 10}`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(opts.gop ?? 20), '-pix_fmt', 'yuv420p'],
      ...['-f', 'rtsp', '-rtsp_transport', 'udp', publish],
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 30_000;
  while (!relay.isPublished('/cam')) {
    if (child.exitCode !== null) throw new Error('the RTSP publisher exited');
    if (Date.now() > deadline) throw new Error('the RTSP publisher did not connect');
    await new Promise((r) => setTimeout(r, 100));
  }
  // a URL's user and password are percent-encoded: a password may hold '@', ':' or '/'
  const auth = creds ? `${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@` : '';
  return {
    url: relay.readUrl('/cam').replace('rtsp://', `rtsp://${auth}`),
    port: relay.readPort,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      await relay.stop();
    },
  };
}
