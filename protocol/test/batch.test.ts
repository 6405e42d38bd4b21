import { describe, expect, it } from 'vitest';
import { encodeBatch, decodeObservationBatch, MAX_PAYLOAD_BYTES, type Observation } from '../src/index.js';
import { makeObservation } from '../src/testing.js';

function roundTrip(n: number) {
  const obs: Observation[] = Array.from({ length: n }, (_, i) =>
    makeObservation({
      slotId: `slot-${i % 97}`,
      count: i % 7,
      fills: Array.from({ length: i % 7 }, (_, j) => (j === 0 ? 0.37 : 1)),
      units: i % 7,
    }),
  );
  const batches = encodeBatch('bar-42-edge', obs, { firstSeq: 10 });
  const back: Observation[] = [];
  batches.forEach((b, i) => {
    expect(b.payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(b.seq).toBe(10 + i);
    const d = decodeObservationBatch(b.payload);
    if (!d.ok) throw new Error(`${d.error.field}: ${d.error.message}`);
    expect(d.value.seq).toBe(b.seq);
    expect(d.value.observations.map((o) => o.id)).toEqual(b.ids);
    back.push(...d.value.observations);
  });
  expect(back).toEqual(obs); // none lost, none doubled, order kept
  return batches;
}

describe('encodeBatch', () => {
  it('packs 1 observation into one payload', () => {
    expect(roundTrip(1)).toHaveLength(1);
  });
  it('packs 1,000 observations under the limit', () => {
    expect(roundTrip(1000).length).toBeGreaterThanOrEqual(2);
  });
  it('splits 50,000 observations into full payloads without losing or reordering any', () => {
    const batches = roundTrip(50_000);
    // greedy packing: every payload but the last is nearly full
    for (const b of batches.slice(0, -1)) expect(b.payload.length).toBeGreaterThan(MAX_PAYLOAD_BYTES - 1024);
  });
  it('returns nothing for no observations', () => {
    expect(encodeBatch('d', [], { firstSeq: 0 })).toEqual([]);
  });
  it('refuses an observation that cannot fit alone rather than dropping it', () => {
    expect(() => encodeBatch('d', [makeObservation()], { firstSeq: 0, maxBytes: 100 })).toThrow(/cannot fit/);
  });
});
