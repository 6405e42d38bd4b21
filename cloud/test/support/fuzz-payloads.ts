import { MAX_PAYLOAD_BYTES, TOPICS } from '@smartstock/protocol';
import { makeBatch, makeObservation, makeOnlineStatus } from '@smartstock/protocol/testing';

export const DEV = 'fuzz-edge';

/** mulberry32: the same "random" payloads on every run */
export function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A well-formed message with a NUL character inside one of its strings. */
function withNul(rand: () => number, validBatch: string): { topic: string; payload: Buffer } {
  const status = { ...makeOnlineStatus({ deviceId: DEV }), agentVersion: '1.0\u0000' };
  const batch = JSON.parse(validBatch) as { observations: { sku: string | null }[] };
  batch.observations[0]!.sku = 'TITOS\u0000750';
  return rand() < 0.5
    ? { topic: TOPICS.status(DEV), payload: Buffer.from(JSON.stringify(status)) }
    : { topic: TOPICS.obs(DEV), payload: Buffer.from(JSON.stringify(batch)) };
}

/** One malformed, oversize or wrong-device message, on one of the device's own ingest topics. */
export function malformed(rand: () => number, i: number): { topic: string; payload: Buffer } {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const valid = JSON.stringify(makeBatch({ deviceId: DEV, seq: i, observations: [makeObservation()] }));
  const kind = i % 8;
  const topic = pick([TOPICS.obs(DEV), TOPICS.obs(DEV), TOPICS.status(DEV), TOPICS.configAck(DEV)]);
  switch (kind) {
    case 0:
      return { topic, payload: Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))) };
    case 1:
      // at least one byte: an empty status is a cleared retained message, not an error
      return { topic, payload: Buffer.from(valid.slice(0, 1 + Math.floor(rand() * (valid.length - 2)))) };
    case 2: {
      // valid JSON, one field broken
      const o = JSON.parse(valid) as Record<string, any>;
      const breakers = [
        () => (o.v = 2),
        () => (o.observations[0].count = -1),
        () => (o.observations[0].fills = [2]),
        () => (o.observations[0].id = 'not-a-uuid'),
        () => (o.observations = []),
        () => (o.seq = 'x'),
        () => (o.extra = true),
        () => (o.observations[0].confidence = NaN),
        () => delete o.sentAt,
      ];
      pick(breakers)();
      return { topic: TOPICS.obs(DEV), payload: Buffer.from(JSON.stringify(o)) };
    }
    case 3:
      return {
        topic: TOPICS.obs(DEV),
        payload: Buffer.from(JSON.stringify(makeBatch({ deviceId: pick(['other-edge', 'fuzz-edge2', 'FUZZ-EDGE']) }))),
      };
    case 4:
      return { topic: TOPICS.status(DEV), payload: Buffer.from(JSON.stringify(makeOnlineStatus({ deviceId: 'not-me' }))) };
    case 5:
      // a NUL byte raw, and NUL inside strings that decode: PostgreSQL text cannot hold one
      return rand() < 0.5
        ? { topic, payload: Buffer.from(pick(['null', '[]', '"x"', '1e999', '{}', '{"v":1}', '\u0000', '{"__proto__":{"x":1}}'])) }
        : withNul(rand, valid);
    case 6:
      // oversize: a few of them, over AWS IoT's 128 KB
      return i % 400 === 6
        ? { topic, payload: Buffer.alloc(MAX_PAYLOAD_BYTES + 1 + Math.floor(rand() * 1000), 0x7b) }
        : { topic, payload: Buffer.from('{"deviceId":') };
    default:
      return {
        topic: TOPICS.configAck(DEV),
        payload: Buffer.from(JSON.stringify({ v: 1, deviceId: DEV, revision: -1, status: 'applied', at: 'yesterday' })),
      };
  }
}
