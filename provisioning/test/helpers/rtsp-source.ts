import { spawn, type ChildProcess } from 'node:child_process';
import { RtspServer } from 'rtsp-streaming-server';
import { findFfmpeg } from '../../src/camera/ffmpeg.js';
import { freePort } from '../../../e2e/src/ports.js';

/**
 * A real RTSP camera stand-in: the npm RTSP server, fed by ffmpeg encoding a
 * synthetic H.264 test pattern (ffmpeg 5.1's RTSP muxer cannot listen
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
  const [serverPort, clientPort] = [await freePort(), await freePort()];
  const creds = opts.credentials;
  const server = new RtspServer({
    serverPort,
    clientPort,
    rtpPortStart: 20_000 + Math.floor(Math.random() * 10_000) * 2,
    rtpPortCount: 40,
    clientServerHooks: creds ? { authentication: async (u, p) => u === creds.user && p === creds.password } : {},
  });
  await server.start();
  const publish = `rtsp://127.0.0.1:${serverPort}/cam`;
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
  while (!server.Mounts.getMount(publish)) {
    if (child.exitCode !== null) throw new Error('the RTSP publisher exited');
    if (Date.now() > deadline) throw new Error('the RTSP publisher did not connect');
    await new Promise((r) => setTimeout(r, 100));
  }
  const auth = creds ? `${creds.user}:${creds.password}@` : '';
  return {
    url: `rtsp://${auth}127.0.0.1:${clientPort}/cam`,
    port: clientPort,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      const closeable = (s: unknown) => (s as { server?: { close(cb: () => void): void } }).server;
      for (const s of [closeable(server.ClientServer), closeable(server.PublishServer)])
        if (s) await new Promise<void>((r) => s.close(() => r()));
    },
  };
}
