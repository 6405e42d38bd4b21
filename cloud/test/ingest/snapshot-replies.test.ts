import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { TOPICS, encodeSnapshot, type SnapshotRequest } from '@smartstock/protocol';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/broker/embedded.js';
import { createIngestLink, type IngestLink } from '../../src/ingest/link.js';
import { seedPki } from '../support/pki.js';
import { connectDevice, waitFor } from '../support/device.js';

/**
 * A device with a real certificate that learnt another bar's snapshot request id answers it from its
 * own topic (the only one the broker lets it publish on), sooner than the camera asked: the cloud
 * keeps waiting for the device it asked, and says in a warn line who sent the reply it dropped.
 * Likewise a reply from the device asked but of another camera than the one asked.
 */
describe('snapshot replies over the embedded broker', () => {
  const VICTIM = 'victim-edge';
  const THIEF = 'thief-edge';
  type Line = {
    level: number;
    msg: string;
    deviceId?: string;
    askedDeviceId?: string;
    cameraId?: string;
    askedCameraId?: string;
    requestId?: string;
  };
  const lines: Line[] = [];
  let broker: EmbeddedBroker;
  let link: IngestLink;
  let victim: MqttClient;
  let thief: MqttClient;

  const reply = (deviceId: string, req: SnapshotRequest, jpeg: string, cameraId = req.cameraId) =>
    encodeSnapshot(
      { v: 1, deviceId, requestId: req.requestId, cameraId, at: new Date().toISOString(), status: 'ok', width: 1, height: 1 },
      Buffer.from(jpeg),
    );
  /** Answers each snapshot request the victim gets with `answer`, until the test's end. */
  let answering: ((topic: string, payload: Buffer) => void) | undefined;
  const answerWith = (answer: (req: SnapshotRequest) => Promise<void>) => {
    answering = (_topic, payload) => void answer(JSON.parse(payload.toString()) as SnapshotRequest);
    victim.on('message', answering);
  };
  afterEach(() => {
    if (answering) victim.off('message', answering);
    answering = undefined;
  });

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'snapshot-replies-'));
    seedPki(dataDir);
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Line);
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    broker = await startEmbeddedBroker({ dataDir, host: '127.0.0.1', port: 0, hostnames: [], logger });
    link = createIngestLink();
    const ignore = async () => undefined;
    await link.start(
      { connectInternal: () => broker.connectInternal(), clientId: 'cloud-snapshots', logger },
      { handle: ignore, deadLetter: ignore },
    );
    victim = await connectDevice(broker.url, VICTIM);
    thief = await connectDevice(broker.url, THIEF);
    await victim.subscribeAsync(TOPICS.snapshotRequest(VICTIM), { qos: 0 });
  });
  afterAll(async () => {
    await victim?.endAsync(true);
    await thief?.endAsync(true);
    await link?.stop();
    await broker?.close();
  });

  it("takes the asked device's picture and drops another device's answer to its request id, with a warn naming the sender", async () => {
    // the thief answers first, with its own certificate, on its own topic, claiming to be the victim in the header;
    // the victim answers once the thief's reply has reached the cloud
    answerWith(async (req) => {
      await thief.publishAsync(TOPICS.snapshot(THIEF), reply(VICTIM, req, 'from the thief'), { qos: 0 });
      await waitFor(() => lines.some((l) => l.requestId === req.requestId) || undefined);
      await victim.publishAsync(TOPICS.snapshot(VICTIM), reply(VICTIM, req, 'from the back bar'), { qos: 0 });
    });
    const answer = await link.requestSnapshot(VICTIM, 'back-bar', 10_000);
    expect(answer && 'jpeg' in answer ? answer.jpeg.toString() : answer).toBe('from the back bar');
    const dropped = lines.filter((l) => l.msg.startsWith('snapshot reply dropped'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ level: 40, deviceId: THIEF, askedDeviceId: VICTIM });
  });

  it("drops the asked device's picture of another camera, with a warn naming both cameras, and takes the one asked", async () => {
    // the right device, on its own topic, first sends the well's camera for a request for the back bar's
    answerWith(async (req) => {
      await victim.publishAsync(TOPICS.snapshot(VICTIM), reply(VICTIM, req, 'of the well', 'well'), { qos: 0 });
      await waitFor(() => lines.some((l) => l.requestId === req.requestId && l.cameraId === 'well') || undefined);
      await victim.publishAsync(TOPICS.snapshot(VICTIM), reply(VICTIM, req, 'of the back bar'), { qos: 0 });
    });
    const answer = await link.requestSnapshot(VICTIM, 'back-bar', 10_000);
    expect(answer && 'jpeg' in answer ? answer.jpeg.toString() : answer).toBe('of the back bar');
    const dropped = lines.filter((l) => l.msg.startsWith('snapshot reply dropped') && l.cameraId === 'well');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ level: 40, deviceId: VICTIM, cameraId: 'well', askedCameraId: 'back-bar' });
  });
});
