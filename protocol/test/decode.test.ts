import { describe, expect, it } from 'vitest';
import {
  decodeObservationBatch,
  decodeDeviceStatus,
  decodeDesiredConfig,
  decodeConfigAck,
  decodeSnapshotRequest,
  MAX_PAYLOAD_BYTES,
} from '../src/index.js';
import { makeBatch, makeDesiredConfig, makeObservation, makeOnlineStatus } from '../src/testing.js';

const enc = (v: unknown) => Buffer.from(JSON.stringify(v));

function expectError(r: { ok: boolean; error?: { field: string; message: string } }, field: string, message?: RegExp) {
  expect(r.ok).toBe(false);
  expect(r.error?.field).toBe(field);
  if (message) expect(r.error?.message).toMatch(message);
}

describe('observation batch', () => {
  it('accepts a valid batch', () => {
    const b = makeBatch();
    const r = decodeObservationBatch(enc(b));
    expect(r).toEqual({ ok: true, value: b });
  });

  it('names the first bad field', () => {
    expectError(decodeObservationBatch(enc(makeBatch({ seq: 'x' as never }))), 'seq');
    expectError(decodeObservationBatch(enc({ ...makeBatch(), deviceId: undefined })), 'deviceId');
    const fillOut = makeBatch({ observations: [makeObservation({ fills: [1, 1.3, 0.2] })] });
    expectError(decodeObservationBatch(enc(fillOut)), 'observations.0.fills.1', /<=1/);
    const neg = makeBatch({ observations: [makeObservation({ fills: [-0.1, 1, 1] })] });
    expectError(decodeObservationBatch(enc(neg)), 'observations.0.fills.0');
    const mismatch = makeBatch({ observations: [makeObservation({ count: 2 })] });
    expectError(decodeObservationBatch(enc(mismatch)), 'observations.0.fills', /one entry per bottle/);
    expectError(decodeObservationBatch(enc(makeBatch({ observations: [makeObservation({ id: 'abc' })] }))), 'observations.0.id', /UUIDv7/);
    expectError(decodeObservationBatch(enc(makeBatch({ observations: [] }))), 'observations');
  });

  it('rejects an unknown version, unknown fields, non-JSON and oversize payloads', () => {
    expectError(decodeObservationBatch(enc({ ...makeBatch(), v: 2 })), 'v', /unknown protocol version/);
    expectError(decodeObservationBatch(enc({ ...makeBatch(), extra: 1 })), '(payload)', /extra/);
    expectError(decodeObservationBatch('{"v":1,'), '(payload)', /not JSON/);
    const big = makeBatch({ observations: Array.from({ length: 1000 }, () => makeObservation()) });
    const bytes = enc(big);
    expect(bytes.length).toBeGreaterThan(MAX_PAYLOAD_BYTES);
    expectError(decodeObservationBatch(bytes), '(payload)', /over the 131072-byte limit/);
  });

  it('refuses a payload that is not UTF-8 rather than reading U+FFFD into its strings', () => {
    const bytes = enc(makeBatch({ observations: [makeObservation({ sku: 'TITOS_750' })] }));
    bytes[bytes.indexOf('_')] = 0xff; // a lone byte no UTF-8 sequence starts with
    expectError(decodeObservationBatch(bytes), '(payload)', /not UTF-8/);
    expectError(decodeDeviceStatus(Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), '(payload)', /not UTF-8/); // a truncated sequence
    // a string payload was UTF-8 on its way in; multi-byte characters are fine
    expect(decodeObservationBatch(enc(makeBatch({ observations: [makeObservation({ sku: 'AÑEJO-750' })] }))).ok).toBe(true);
  });

  it('allows a null fill for an opaque bottle and a null sku for an unassigned slot', () => {
    const b = makeBatch({ observations: [makeObservation({ fills: [1, null, 0.5], sku: null })] });
    expect(decodeObservationBatch(enc(b)).ok).toBe(true);
  });
});

describe('device status', () => {
  it('accepts online and last-will offline forms', () => {
    expect(decodeDeviceStatus(enc(makeOnlineStatus())).ok).toBe(true);
    // a camera that decodes every frame because its keyframes are far apart: optional fields, absent otherwise
    const [camera] = makeOnlineStatus().cameras;
    const everyFrame = {
      ...camera!,
      decoding: 'every-frame',
      keyframeIntervalS: 24.9,
      reason: 'keyframes 24.9 s apart: decoding every frame (more CPU)',
    };
    expect(decodeDeviceStatus(enc(makeOnlineStatus({ cameras: [everyFrame as never] }))).ok).toBe(true);
    expectError(
      decodeDeviceStatus(enc(makeOnlineStatus({ cameras: [{ ...everyFrame, keyframeIntervalS: -1 } as never] }))),
      'cameras.0.keyframeIntervalS',
    );
    expect(decodeDeviceStatus(enc({ v: 1, deviceId: 'bar-42-edge', state: 'offline' })).ok).toBe(true);
  });
  it('rejects bad values', () => {
    expectError(decodeDeviceStatus(enc(makeOnlineStatus({ uptimeS: -1 }))), 'uptimeS');
    expectError(decodeDeviceStatus(enc({ ...makeOnlineStatus(), state: 'sleeping' })), 'state');
    const cams = makeOnlineStatus().cameras.map((c) => ({ ...c, state: 'dancing' }));
    expectError(decodeDeviceStatus(enc(makeOnlineStatus({ cameras: cams as never }))), 'cameras.0.state');
    expectError(decodeDeviceStatus(enc({ v: 1, state: 'offline' })), 'deviceId');
  });
});

describe('desired config and ack', () => {
  it('accepts a valid config and fills defaults', () => {
    const { transport: _t, sampleEverySeconds: _s, enabled: _e, ...cam } = makeDesiredConfig().cameras[0]!;
    const r = decodeDesiredConfig(enc(makeDesiredConfig({ cameras: [cam as never] })));
    expect(r.ok && r.value.cameras[0]).toMatchObject({ transport: 'tcp', sampleEverySeconds: 2, enabled: true });
  });
  it('rejects bad polygons, URLs and duplicate ids', () => {
    const cfg = makeDesiredConfig();
    const cam = cfg.cameras[0]!;
    expectError(decodeDesiredConfig(enc({ ...cfg, cameras: [{ ...cam, url: 'http://x' }] })), 'cameras.0.url', /rtsp/);
    const badPoly = {
      ...cam,
      slots: [
        {
          id: 's',
          sku: null,
          polygon: [
            [0, 0],
            [1, 1],
          ],
        },
      ],
    };
    expectError(decodeDesiredConfig(enc({ ...cfg, cameras: [badPoly] })), 'cameras.0.slots.0.polygon');
    const outside = {
      ...cam,
      slots: [
        {
          id: 's',
          sku: null,
          polygon: [
            [0, 0],
            [1.5, 1],
            [0, 1],
          ],
        },
      ],
    };
    expectError(decodeDesiredConfig(enc({ ...cfg, cameras: [outside] })), 'cameras.0.slots.0.polygon.1.0');
    expectError(decodeDesiredConfig(enc({ ...cfg, cameras: [cam, cam] })), 'cameras.1.id', /duplicate camera id "cam-1"/);
    expectError(decodeDesiredConfig(enc({ ...cfg, revision: 0 })), 'revision');
  });
  it('decodes both ack forms', () => {
    const at = new Date().toISOString();
    expect(decodeConfigAck(enc({ v: 1, deviceId: 'd', revision: 3, status: 'applied', at })).ok).toBe(true);
    expect(
      decodeConfigAck(enc({ v: 1, deviceId: 'd', revision: 3, status: 'rejected', error: 'cameras.0.url: bad', keptRevision: 2, at })).ok,
    ).toBe(true);
    expectError(decodeConfigAck(enc({ v: 1, deviceId: 'd', revision: 3, status: 'rejected', keptRevision: 2, at })), 'error');
  });
});

describe('snapshot request', () => {
  it('validates', () => {
    expect(decodeSnapshotRequest(enc({ v: 1, requestId: 'r1', cameraId: 'cam-1' })).ok).toBe(true);
    expectError(decodeSnapshotRequest(enc({ v: 1, requestId: 'r1' })), 'cameraId');
  });
});
