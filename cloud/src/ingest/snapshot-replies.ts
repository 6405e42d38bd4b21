import { decodeSnapshot, parseTopic } from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';
import type { SnapshotAnswer } from '../devices/index.js';

interface Waiting {
  deviceId: string;
  settle: (answer: SnapshotAnswer) => void;
}

/**
 * The snapshot requests waiting for their device's reply. A reply counts only when it comes on the
 * topic of the device that was asked: the broker binds a topic's device id to the sender's
 * certificate, whereas the request id travels in the clear and a header's device id is whatever
 * its sender wrote. Matched by request id alone, a device that learnt one could answer for a
 * camera of a bar it does not belong to.
 */
export class SnapshotReplies {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly log: Logger) {}

  /** Waits up to timeoutMs for deviceId's reply to requestId; undefined when none came in time. */
  async wait(deviceId: string, requestId: string, timeoutMs: number, ask: () => Promise<void>): Promise<SnapshotAnswer | undefined> {
    const got = new Promise<SnapshotAnswer | undefined>((res) => {
      const timer = setTimeout(() => res(undefined), timeoutMs);
      this.waiting.set(requestId, {
        deviceId,
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

  /** A message on a device's snapshot topic: settles the request it answers, if its device was the one asked. */
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
    waiting.settle(header.status === 'ok' && jpeg ? { jpeg } : { error: header.error ?? 'the device sent no picture' });
  }
}
