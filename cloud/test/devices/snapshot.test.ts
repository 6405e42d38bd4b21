/**
 * A snapshot asked of a camera that has not sent its first frame: the device says it has none,
 * and the cloud answers what the manager is waiting for (409 no_frame_yet), not a device fault.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { TOPICS, encodeSnapshot } from '@smartstock/protocol';
import { makeOnlineStatus } from '@smartstock/protocol/testing';
import { build, type TestCloud } from '../support/cloud.js';
import { connectDevice, waitFor } from '../support/device.js';

const DEV = 'snap-edge';

describe('a snapshot before the first frame', () => {
  let t: TestCloud;
  let dev: MqttClient;
  beforeAll(async () => {
    t = await build();
    await t.api('POST', '/api/v1/devices', { token: t.ownerToken, body: { id: DEV, venueId: t.demo.venueId, name: 'Snap edge' } });
    dev = await connectDevice(t.cloud.brokerUrl, DEV);
    await dev.subscribeAsync(TOPICS.snapshotRequest(DEV), { qos: 0 });
    // as the edge agent does: no frame yet on any camera
    dev.on('message', (_topic, payload) => {
      const req = JSON.parse(payload.toString()) as { requestId: string; cameraId: string };
      const header = { v: 1 as const, deviceId: DEV, requestId: req.requestId, cameraId: req.cameraId, at: new Date().toISOString() };
      const error = `camera "${req.cameraId}" has no frame yet`;
      dev.publish(TOPICS.snapshot(DEV), encodeSnapshot({ ...header, status: 'error', width: 0, height: 0, error }), { qos: 0 });
    });
    const cam = { fps: 0, restarts: 0, droppedFrames: 0 };
    const status = makeOnlineStatus({
      deviceId: DEV,
      cameras: [
        { id: 'back-bar', state: 'connecting', lastFrameAt: null, ...cam },
        { id: 'cellar', state: 'failed', lastFrameAt: null, reason: 'the camera refused the credentials', ...cam },
        { id: 'rooftop', state: 'streaming', lastFrameAt: new Date().toISOString(), ...cam },
      ],
    });
    await dev.publishAsync(TOPICS.status(DEV), JSON.stringify(status), { qos: 1, retain: true });
    await waitFor(async () => (await t.api('GET', `/api/v1/devices/${DEV}`, { token: t.ownerToken })).body?.health?.cameras);
  });
  afterAll(async () => {
    await dev?.endAsync();
    await t?.close();
  });

  const snapshot = (cameraId: string) => t.api('POST', `/api/v1/devices/${DEV}/snapshot`, { token: t.ownerToken, body: { cameraId } });

  it('says the camera is still connecting, as a state to wait out', async () => {
    const r = await snapshot('back-bar');
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({
      code: 'no_frame_yet',
      message: 'camera "back-bar" has not sent its first picture yet: it is connecting',
    });
  });

  it('says why a camera that failed before its first frame has none', async () => {
    const r = await snapshot('cellar');
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe('camera "cellar" has sent no picture: it failed (the camera refused the credentials)');
  });

  it('is still a device fault when the camera had frames', async () => {
    const r = await snapshot('rooftop');
    expect(r.status).toBe(502);
    expect(r.body.error).toMatchObject({ code: 'device_error' });
  });
});
