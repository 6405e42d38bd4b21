/**
 * The demo's RTSP camera: the npm RTSP server with ffmpeg publishing the
 * cached shelf video on a loop. Fixed ports, because the camera URL is saved
 * in the device's config and must still work on the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { RtspServer } from 'rtsp-streaming-server';
import { findFfmpeg, loopAsCameraArgs } from '@smartstock/edge-agent';
import type { Logger } from '@smartstock/runtime';

export interface DemoCamera {
  /** Where the agent reads (RTP over UDP: this server refuses TCP readers). */
  url: string;
  stop(): Promise<void>;
}

export async function startDemoCamera(video: string, port: number, log: Logger): Promise<DemoCamera> {
  const server = new RtspServer({ serverPort: port, clientPort: port + 1, rtpPortStart: 30_000 + (port % 1000) * 20, rtpPortCount: 20 });
  try {
    await server.start();
  } catch (e) {
    throw new Error(`the demo camera cannot listen on ports ${port}-${port + 1} (${(e as Error).message}); pick others with --rtsp-port`);
  }
  let child: ChildProcess | undefined;
  let stopping = false;
  const publish = () => {
    child = spawn(
      findFfmpeg(),
      loopAsCameraArgs(video, `rtsp://127.0.0.1:${port}/shelf`, 'publish-udp'),
      // its own process group, so a Ctrl-C reaches us first and the stop below is orderly
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    const c = child;
    const killOnExit = () => c.kill('SIGKILL');
    process.once('exit', killOnExit);
    c.once('exit', () => process.off('exit', killOnExit));
    let err = '';
    child.stderr!.on('data', (d) => (err = (err + d).slice(-2000)));
    child.once('exit', (code) => {
      if (stopping) return;
      log.warn({ code, stderr: err.trim() }, 'demo camera publisher stopped; restarting it');
      setTimeout(publish, 1000).unref();
    });
  };
  publish();
  return {
    url: `rtsp://127.0.0.1:${port + 1}/shelf`,
    async stop() {
      stopping = true;
      const c = child;
      if (c && c.exitCode === null) {
        const done = new Promise((r) => c.once('exit', r));
        c.kill('SIGINT'); // lets ffmpeg send TEARDOWN
        const t = setTimeout(() => c.kill('SIGKILL'), 3000);
        await done;
        clearTimeout(t);
      }
      for (const s of [server.ClientServer, server.PublishServer] as unknown as { server?: { close(cb: () => void): void } }[])
        s?.server?.close(() => undefined);
    },
  };
}
