import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isLoopback, listenError } from '@smartstock/runtime';
import { cameraFfmpegInput, spawnWithInput } from './ffmpeg.js';

/**
 * `camera preview`: the camera, live, on a loopback web page, for aiming.
 * ffmpeg decodes the RTSP stream to JPEG frames and this server relays them
 * as MJPEG (multipart/x-mixed-replace), which every browser shows in an
 * <img> without plugins or a WebSocket player (in place of node-rtsp-stream,
 * whose MPEG1-over-WebSocket player needs a script from a CDN).
 */
export interface PreviewOptions {
  ffmpeg: string;
  host: string;
  port: number;
  fps: number;
  maxWidth: number;
  transport?: 'tcp' | 'udp';
}

export interface Preview {
  url: string;
  /** Frames relayed so far. */
  frames(): number;
  /** Resolves when ffmpeg stops (the camera went away), with its last error lines. */
  ended: Promise<string>;
  close(): Promise<void>;
}

const BOUNDARY = 'smartstockframe';

export async function startPreview(cameraUrl: string, o: PreviewOptions): Promise<Preview> {
  if (!isLoopback(o.host)) throw new Error('the preview listens on loopback only: it shows a live camera without a password');
  const input = cameraFfmpegInput(o.ffmpeg, cameraUrl, o.transport);
  const viewers = new Set<ServerResponse>();
  let latest: Buffer | null = null;
  let count = 0;

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`, 'cache-control': 'no-store' });
      viewers.add(res);
      if (latest) res.write(part(latest));
      req.on('close', () => viewers.delete(res));
    } else if (req.url === '/frame.jpg' && latest) {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'cache-control': 'no-store' }).end(latest);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else res.writeHead(404).end();
  });
  server.on('connection', (socket) => (sockets.add(socket), socket.on('close', () => sockets.delete(socket))));
  // the port first, the camera second: a port in use then leaves no ffmpeg running behind the error
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err, '--port', o.host, o.port)));
    server.listen(o.port, o.host, resolve);
  });

  const args = [
    // -nostdin: no keyboard commands; a camera's script is still read from stdin as its input
    ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
    ...input.args,
    ...['-an', '-vf', `fps=${o.fps},scale='min(${o.maxWidth},iw)':-2`, '-q:v', '5', '-f', 'mjpeg', 'pipe:1'],
  ];
  const ff = spawnWithInput(o.ffmpeg, { args, stdin: input.stdin }, ['pipe', 'pipe']);
  let errors = '';
  ff.stderr!.on('data', (chunk) => (errors = (errors + String(chunk)).slice(-4000)));
  let pending = Buffer.alloc(0);
  ff.stdout!.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    // JPEG entropy data stuffs 0xFF bytes, so FFD9 marks the end of a frame
    for (let end = pending.indexOf(EOI); end >= 0; end = pending.indexOf(EOI)) {
      const start = pending.indexOf(SOI);
      const frame = start >= 0 && start < end ? pending.subarray(start, end + 2) : null;
      pending = pending.subarray(end + 2);
      if (!frame) continue;
      latest = Buffer.from(frame);
      count++;
      for (const viewer of viewers) viewer.write(part(latest));
    }
  });
  const ended = new Promise<string>((resolve) => ff.once('close', () => resolve(errors.trim())));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}/`,
    frames: () => count,
    ended,
    close: async () => {
      if (ff.exitCode === null && ff.signalCode === null) {
        ff.kill('SIGTERM');
        await ended;
      }
      for (const viewer of viewers) viewer.end();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

function part(jpeg: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\ncontent-type: image/jpeg\r\ncontent-length: ${jpeg.length}\r\n\r\n`),
    jpeg,
    Buffer.from('\r\n'),
  ]);
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SmartStock camera preview</title>
<style>body{margin:0;background:#111;color:#ddd;font:14px system-ui}p{margin:8px}img{display:block;max-width:100vw;max-height:calc(100vh - 40px);margin:auto}</style>
</head><body><p>Aim so every shelf is in view, level and unobstructed. Stop the preview with Ctrl-C in the terminal.</p>
<img src="/stream" alt="live camera"></body></html>`;
