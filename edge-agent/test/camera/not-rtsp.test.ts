/**
 * A camera URL with the wrong port: the camera's web server (or anything else) answers instead of its RTSP
 * server. ffmpeg says "Invalid data found when processing input", which the status used to call a codec
 * problem; the technician needs to look at the port.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { probeCamera, until, type CameraProbe } from '../helpers/camera-probe.js';

let web: Server;
let probe: CameraProbe | undefined;

afterAll(async () => {
  await probe?.stop();
  await new Promise((r) => web?.close(r));
});

it('a URL pointing at the camera web port says to check the port, not the codec', async () => {
  web = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const { port } = web.address() as AddressInfo;
  probe = probeCamera(`rtsp://admin:s3cret@127.0.0.1:${port}/Streaming/Channels/101`, {}, { failAfterAttempts: 2 });
  await until(() => probe!.health().state === 'failed', 'failed');
  expect(probe.health().reason).toBe('the camera did not answer in RTSP: check the port (usually 554) and the path');
  expect(probe.logs.join('\n')).not.toContain('s3cret');
});
