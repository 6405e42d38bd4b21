import { MAX_PAYLOAD_BYTES } from './decode.js';
import type { Observation, ObservationBatch } from './messages/observation.js';
import { PROTOCOL_VERSION, assertDeviceId } from './topics.js';

export interface EncodedBatch {
  seq: number;
  payload: Buffer;
  /** The observation ids inside, in order, so the outbox can delete exactly these after PUBACK. */
  ids: string[];
}

export interface EncodeBatchOptions {
  /** The sequence number of the first batch; each further batch takes the next. */
  firstSeq: number;
  maxBytes?: number;
  sentAt?: Date;
}

/**
 * Packs observations, in order, into as few payloads as fit under the limit.
 * One observation is never split across payloads; one that cannot fit alone
 * is an error rather than a silently dropped count.
 */
export function encodeBatch(deviceId: string, observations: readonly Observation[], opts: EncodeBatchOptions): EncodedBatch[] {
  assertDeviceId(deviceId);
  const maxBytes = opts.maxBytes ?? MAX_PAYLOAD_BYTES;
  const sentAt = (opts.sentAt ?? new Date()).toISOString();
  const out: EncodedBatch[] = [];
  let seq = opts.firstSeq;
  let parts: string[] = [];
  let ids: string[] = [];
  let head = envelopeHead(deviceId, seq, sentAt);
  let size = head.length + TAIL.length;

  const flush = () => {
    if (!parts.length) return;
    out.push({ seq, payload: Buffer.from(head + parts.join(',') + TAIL, 'utf8'), ids });
    seq += 1;
    parts = [];
    ids = [];
    head = envelopeHead(deviceId, seq, sentAt);
    size = head.length + TAIL.length;
  };

  for (const observation of observations) {
    const json = JSON.stringify(observation);
    const len = Buffer.byteLength(json);
    const extra = len + (parts.length ? 1 : 0);
    if (size + extra > maxBytes) {
      flush();
      if (size + len > maxBytes)
        throw new Error(`observation ${observation.id} alone is ${len} bytes: cannot fit a ${maxBytes}-byte payload`);
    }
    parts.push(json);
    ids.push(observation.id);
    size += parts.length > 1 ? len + 1 : len;
  }
  flush();
  return out;
}

const TAIL = ']}';

/** Field order matches ObservationBatch; seq is digits only, so its length bounds the header size. */
function envelopeHead(deviceId: string, seq: number, sentAt: string): string {
  const h: Omit<ObservationBatch, 'observations'> = { v: PROTOCOL_VERSION, deviceId, seq, sentAt };
  return JSON.stringify(h).slice(0, -1) + ',"observations":[';
}
