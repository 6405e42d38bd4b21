import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeObservation } from '@smartstock/protocol/testing';
import { Outbox } from '../../src/store/outbox.js';

const open = (dir: string, maxRows = 1000, maxBytes = 1e9) => new Outbox({ dir, maxRows, maxBytes, synchronous: 'full' });

describe('outbox', () => {
  it('keeps rows, ids and the batch sequence across a reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-outbox-'));
    const a = open(dir);
    const obs = [makeObservation(), makeObservation(), makeObservation()];
    a.append(obs);
    expect(a.reserveSeq(2)).toBe(0);
    a.close();
    const b = open(dir);
    expect(b.depth).toBe(3);
    expect(b.peek(0, 10).map((r) => r.id)).toEqual(obs.map((o) => o.id));
    expect(b.nextSeq).toBe(2);
    expect(b.reserveSeq(1)).toBe(2);
    b.close();
  });

  it('removes only the acknowledged rows, and a second ack is harmless', () => {
    const b = open(mkdtempSync(join(tmpdir(), 'ss-outbox-')));
    const obs = [makeObservation(), makeObservation(), makeObservation()];
    b.append(obs);
    b.remove([obs[0]!.id, obs[2]!.id]);
    b.remove([obs[0]!.id]);
    expect(b.depth).toBe(1);
    expect(b.peek(0, 10).map((r) => r.id)).toEqual([obs[1]!.id]);
    b.close();
  });

  it('ignores a duplicate id', () => {
    const b = open(mkdtempSync(join(tmpdir(), 'ss-outbox-')));
    const o = makeObservation();
    b.append([o]);
    b.append([o]);
    expect(b.depth).toBe(1);
    b.close();
  });

  it('drops the oldest rows at the row cap and counts them durably', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-outbox-'));
    const b = open(dir, 100);
    const obs = Array.from({ length: 130 }, (_, i) => makeObservation({ slotId: `s-${i}` }));
    expect(b.append(obs.slice(0, 90))).toBe(0);
    expect(b.append(obs.slice(90))).toBe(30);
    expect(b.depth).toBe(100);
    expect(b.peek(0, 1)[0]!.id).toBe(obs[30]!.id);
    b.close();
    const c = open(dir, 100);
    expect(c.droppedRows).toBe(30);
    c.close();
  });

  it('drops the oldest rows at the byte cap', () => {
    const b = open(mkdtempSync(join(tmpdir(), 'ss-outbox-')), 1_000_000, 10_000);
    const obs = Array.from({ length: 100 }, () => makeObservation());
    b.append(obs);
    const size = JSON.stringify(obs[0]).length;
    expect(b.depth).toBeLessThanOrEqual(Math.floor(10_000 / size));
    expect(b.droppedRows).toBe(100 - b.depth);
    expect(b.peek(0, 1000).at(-1)!.id).toBe(obs[99]!.id);
    b.close();
  });
});
