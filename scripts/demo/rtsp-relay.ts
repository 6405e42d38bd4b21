/**
 * The npm RTSP server (rtsp-streaming-server) as the demo camera and the tests'
 * cameras run it: ffmpeg publishes (ANNOUNCE) on one port, readers PLAY from
 * another and get RTP over UDP. Three things the library does not do are done
 * here: it listens on the given host only (the library binds every interface);
 * a port in use is a PortInUseError naming it (the library leaves the 'error'
 * event unhandled, which kills the process); and its UDP ports are pairs the
 * system reports free when the relay starts, not a fixed range that two relays
 * on one machine (two stacks, or test files run in parallel) both take.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Client, RtpUdp, RtspServer, type ClientServerHooksConfig, type Mounts } from 'rtsp-streaming-server';
import { listenError } from '@smartstock/runtime';

export interface RtspRelayOptions {
  /** The address both RTSP ports and every RTP port bind to. */
  host: string;
  /** Where publishers ANNOUNCE; 0 picks a free port. */
  publishPort?: number;
  /** Where readers PLAY; 0 picks a free port. */
  readPort?: number;
  /** The setting that moves the ports, named when one is in use (a config key). */
  key?: string;
  /** Streams and readers at once: each takes one RTP/RTCP pair. */
  udpPairs?: number;
  readerHooks?: ClientServerHooksConfig;
}

export interface RtspRelay {
  publishPort: number;
  readPort: number;
  publishUrl(mount: string): string;
  readUrl(mount: string): string;
  /** Whether a publisher is streaming to `mount` now. */
  isPublished(mount: string): boolean;
  stop(): Promise<void>;
}

/** The host each relay's RTP sockets bind to, found from the library's objects. */
const hosts = new WeakMap<Mounts, string>();

function bindUdp(socket: Socket, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, ...(host ? { address: host } : {}) }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

// The library binds its RTP sockets with bind(port): every interface. These bind to the relay's host.
RtpUdp.prototype.listen = function (this: RtpUdp) {
  return bindUdp(this.server, this.port, hosts.get(this.stream.mount.mounts));
};
type ClientSockets = { mount: Client['mount']; rtpServer: Socket; rtcpServer: Socket; rtpServerPort?: number; rtcpServerPort?: number };
(Client.prototype as unknown as { listen(this: ClientSockets): Promise<void> }).listen = async function () {
  const host = hosts.get(this.mount.mounts);
  await bindUdp(this.rtpServer, this.rtpServerPort!, host);
  await bindUdp(this.rtcpServer, this.rtcpServerPort!, host);
};

/** `n` pairs of UDP ports (even RTP port, RTCP the next one) free on `host` right now. */
export async function freeUdpPairs(host: string, n: number): Promise<number[]> {
  const held: Socket[] = [];
  const pairs: number[] = [];
  try {
    for (let tries = 0; pairs.length < n && tries < n * 50; tries++) {
      const a = createSocket('udp4');
      await bindUdp(a, 0, host);
      held.push(a); // held until the end, so the system does not hand it out twice
      const port = a.address().port;
      const rtp = port - (port % 2);
      const b = createSocket('udp4');
      try {
        await bindUdp(b, port === rtp ? rtp + 1 : rtp, host);
        held.push(b);
        pairs.push(rtp);
      } catch {
        b.close();
      }
    }
  } finally {
    await Promise.all(held.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
  if (pairs.length < n) throw new Error(`found only ${pairs.length} of ${n} free UDP port pairs on ${host}`);
  return pairs;
}

type TcpServer = {
  listen(port: number, host: string, cb: () => void): unknown;
  once(e: 'error', cb: (e: Error) => void): unknown;
  on(e: 'connection', cb: (s: NetSocket) => void): unknown;
  address(): AddressInfo;
  close(cb: () => void): void;
};

export async function startRtspRelay(o: RtspRelayOptions): Promise<RtspRelay> {
  const key = o.key ?? 'rtsp port';
  const server = new RtspServer({
    serverPort: o.publishPort ?? 0,
    clientPort: o.readPort ?? 0,
    rtpPortStart: 0,
    rtpPortCount: 0,
    clientServerHooks: o.readerHooks ?? {},
  });
  hosts.set(server.Mounts, o.host);
  server.Mounts.rtpPorts = await freeUdpPairs(o.host, o.udpPairs ?? 16);
  const sessions = new Set<NetSocket>();
  const listen = async (s: { server: unknown }, port: number): Promise<number> => {
    const net = s.server as TcpServer;
    net.on('connection', (c) => {
      sessions.add(c);
      c.once('close', () => sessions.delete(c));
    });
    await new Promise<void>((resolve, reject) => {
      net.once('error', (e) => reject(listenError(e, key, o.host, port)));
      net.listen(port, o.host, () => resolve());
    });
    return net.address().port;
  };
  const publishPort = await listen(server.PublishServer, o.publishPort ?? 0);
  let readPort: number;
  try {
    readPort = await listen(server.ClientServer, o.readPort ?? 0);
  } catch (e) {
    await closeTcp(server.PublishServer);
    throw e;
  }
  const urlHost = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  return {
    publishPort,
    readPort,
    publishUrl: (mount) => `rtsp://${urlHost}:${publishPort}${mount}`,
    readUrl: (mount) => `rtsp://${urlHost}:${readPort}${mount}`,
    isPublished: (mount) => !!server.Mounts.getMount(`rtsp://${urlHost}:${publishPort}${mount}`),
    async stop() {
      // close() waits for every open session; a reader that is still playing would hold it forever
      for (const c of sessions) c.destroy();
      await Promise.all([closeTcp(server.PublishServer), closeTcp(server.ClientServer)]);
      // the RTP sockets of a publisher that was killed (no TEARDOWN) would stay bound
      for (const mount of Object.values(server.Mounts.mounts)) mount?.close();
    },
  };
}

function closeTcp(s: { server: unknown }): Promise<void> {
  return new Promise((r) => (s.server as TcpServer).close(() => r()));
}
