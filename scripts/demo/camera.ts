/**
 * The demo's RTSP camera: the RTSP relay with ffmpeg publishing the cached
 * shelf video on a loop. Fixed RTSP ports (`port` for the publisher, `port + 1`
 * for readers), because the camera URL is saved in the device's config and
 * must still work on the next start; its RTP ports are any free ones.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loopAsCameraArgs } from '@smartstock/edge-agent';
import { findFfmpeg, type Logger } from '@smartstock/runtime';
import { startRtspRelay } from './rtsp-relay.js';

/** The setting named when a demo camera port is in use. */
export const DEMO_RTSP_PORT_KEY = 'demo.rtspPort';

export interface DemoCamera {
  /** Where the agent reads (RTP over UDP: this server refuses TCP readers). */
  url: string;
  /** Starts publishing `video` on a loop. */
  play(video: string): void;
  stop(): Promise<void>;
}

/** Opens the camera's ports first, so a port in use stops the demo before any slow work. */
export async function openDemoCamera(host: string, port: number, log: Logger): Promise<DemoCamera> {
  const relay = await startRtspRelay({ host, publishPort: port, readPort: port + 1, key: DEMO_RTSP_PORT_KEY, udpPairs: 8 });
  let child: ChildProcess | undefined;
  let stopping = false;
  const publish = (video: string) => {
    child = spawn(
      findFfmpeg(),
      loopAsCameraArgs(video, relay.publishUrl('/shelf'), 'publish-udp'),
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
      setTimeout(() => publish(video), 1000).unref();
    });
  };
  return {
    url: relay.readUrl('/shelf'),
    play: publish,
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
      await relay.stop();
    },
  };
}
