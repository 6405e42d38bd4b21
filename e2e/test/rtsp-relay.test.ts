/**
 * The RTSP relay that the demo camera and the camera tests run: a busy port is a
 * PortInUseError naming it, and every socket it opens, RTSP and RTP, is on its
 * host only, with RTP ports the system reported free.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findFfmpeg, PortInUseError } from '@smartstock/runtime';
import { startRtspRelay, type RtspRelay } from '../../scripts/demo/rtsp-relay.js';
import { waitFor } from '../src/ports.js';

/** This process's UDP sockets as `address:port` (Linux /proc), so a test sees what it bound where. */
function ownUdpSockets(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed while we looked
    }
  }
  const out = new Set<string>();
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !inodes.has(f[9]!)) continue;
    const [hexAddr, hexPort] = f[1]!.split(':') as [string, string];
    const ip = hexAddr
      .match(/../g)!
      .reverse()
      .map((b) => parseInt(b, 16))
      .join('.');
    out.add(`${ip}:${parseInt(hexPort, 16)}`);
  }
  return out;
}

describe('RTSP relay', () => {
  const children: ChildProcess[] = [];
  let relay: RtspRelay | undefined;
  let holder: Server | undefined;
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await relay?.stop();
    relay = undefined;
    await new Promise((r) => (holder ? holder.close(r) : r(undefined)));
    holder = undefined;
  });

  it('a publish port in use is a PortInUseError naming the port and its setting', async () => {
    holder = createServer();
    await new Promise<void>((r) => holder!.listen(0, '127.0.0.1', r));
    const busy = (holder.address() as { port: number }).port;
    const err = await startRtspRelay({ host: '127.0.0.1', publishPort: busy, readPort: 0, key: 'demo.rtspPort' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortInUseError);
    expect(err).toMatchObject({ port: busy, host: '127.0.0.1', key: 'demo.rtspPort' });
  });

  it('binds RTSP and every RTP socket, publisher’s and reader’s, to its host only', async () => {
    const before = ownUdpSockets();
    relay = await startRtspRelay({ host: '127.0.0.1' });
    expect(ownUdpSockets()).toEqual(before); // the free pairs were probed and let go
    const ffmpeg = findFfmpeg();
    const publisher = spawn(
      ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p'],
        ...['-f', 'rtsp', '-rtsp_transport', 'udp', relay.publishUrl('/cam')],
      ],
      { stdio: 'ignore' },
    );
    children.push(publisher);
    await waitFor(() => relay!.isPublished('/cam'), 30_000, 'the publisher');
    let stderr = '';
    const reader = spawn(ffmpeg, [
      '-hide_banner',
      '-rtsp_transport',
      'udp',
      '-i',
      relay.readUrl('/cam'),
      '-frames:v',
      '1',
      '-f',
      'null',
      '-',
    ]);
    children.push(reader);
    reader.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => reader.once('exit', r));
    expect(code, stderr).toBe(0); // a frame came through
    const opened = [...ownUdpSockets()].filter((s) => !before.has(s));
    expect(opened.length).toBeGreaterThanOrEqual(2); // at least the publisher's RTP/RTCP pair
    expect(
      opened.every((s) => s.startsWith('127.0.0.1:')),
      opened.join(' '),
    ).toBe(true);
  });
});
