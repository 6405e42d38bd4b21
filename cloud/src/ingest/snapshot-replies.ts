import { decodeSnapshot, parseTopic } from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';
import type { SnapshotAnswer } from '../devices/index.js';

/** Which device's camera a snapshot request asked, and the request's id. */
export interface SnapshotAsked {
  deviceId: string;
  cameraId: string;
  requestId: string;
}

interface Waiting {
  deviceId: string;
  cameraId: string;
  settle: (answer: SnapshotAnswer) => void;
}

/**
 * The snapshot requests waiting for their device's reply. A reply counts only when it comes on the
 * topic of the device that was asked: the broker binds a topic's device id to the sender's
 * certificate, whereas the request id travels in the clear and a header's device id is whatever
 * its sender wrote. Matched by request id alone, a device that learnt one could answer for a
 * camera of a bar it does not belong to. The right device's picture of another camera (a reply
 * mixed up on the device) is no answer either: the caller would show or store it as the camera asked.
 */
export class SnapshotReplies {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly log: Logger) {}

  /** Waits up to timeoutMs for the reply of the device and camera asked; undefined when none came in time. */
  async wait(asked: SnapshotAsked, timeoutMs: number, ask: () => Promise<void>): Promise<SnapshotAnswer | undefined> {
    const { deviceId, cameraId, requestId } = asked;
    const got = new Promise<SnapshotAnswer | undefined>((res) => {
      const timer = setTimeout(() => res(undefined), timeoutMs);
      this.waiting.set(requestId, {
        deviceId,
        cameraId,
        settle: (answer) => {
          clearTimeout(timer);
          res(answer);
        },
      });
    });
    try {
      await ask();
      return await got;
    } finally {
      this.waiting.delete(requestId);
    }
  }

  /** A message on a device's snapshot topic: settles the request it answers, if its device and camera were the ones asked. */
  receive(topic: string, payload: Uint8Array): void {
    const from = parseTopic(topic)?.deviceId;
    const decoded = decodeSnapshot(payload);
    if (!from || !decoded.ok) return;
    const { header, jpeg } = decoded.value;
    const waiting = this.waiting.get(header.requestId);
    if (!waiting) return; // late (timed out) or never asked: nothing waits for it
    if (waiting.deviceId !== from || header.deviceId !== from) {
      this.log.warn(
        { deviceId: from, headerDeviceId: header.deviceId, askedDeviceId: waiting.deviceId, requestId: header.requestId },
        'snapshot reply dropped: it is not from the device asked',
      );
      return;
    }
    if (header.cameraId !== waiting.cameraId) {
      this.log.warn(
        { deviceId: from, cameraId: header.cameraId, askedCameraId: waiting.cameraId, requestId: header.requestId },
        'snapshot reply dropped: it is not of the camera asked',
      );
      return;
    }
    waiting.settle(header.status === 'ok' && jpeg ? { jpeg } : { error: header.error ?? 'the device sent no picture' });
  }
}
