import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slotSchema } from '@smartstock/protocol';
import type { BottleVision } from '@smartstock/models';
import { groupIntoRows, suggestSlots, type Box } from '../../src/slots/group.js';
import { slotsSuggest } from '../../src/commands/slots-suggest.js';
import { makeCtx } from '../../src/cli/output.js';

// a 1000x800 frame: a top shelf with its bottoms at y=300, a lower one at y=700
const top: Box[] = [
  { x: 100, y: 120, w: 60, h: 180 },
  { x: 110, y: 130, w: 58, h: 168 }, // behind the first: same facing
  { x: 300, y: 100, w: 70, h: 200 },
  { x: 500, y: 140, w: 50, h: 158 },
];
const bottom: Box[] = [
  { x: 120, y: 480, w: 80, h: 220 },
  { x: 400, y: 560, w: 60, h: 135 }, // a short bottle on the same shelf
  { x: 700, y: 500, w: 70, h: 203 },
];

const inside = (poly: [number, number][], x: number, y: number) =>
  x >= poly[0]![0] && x <= poly[1]![0] && y >= poly[0]![1] && y <= poly[2]![1];

describe('slot suggestion', () => {
  it('groups bottles into shelf rows by where they stand', () => {
    const rows = groupIntoRows([...bottom, ...top].reverse());
    expect(rows.map((r) => r.length)).toEqual([4, 3]);
  });

  it('makes one slot per facing, each holding its bottles and no neighbour', () => {
    const slots = suggestSlots([...top, ...bottom], 1000, 800);
    expect(slots.map((s) => [s.id, s.row, s.bottles])).toEqual([
      ['r1-s01', 1, 2],
      ['r1-s02', 1, 1],
      ['r1-s03', 1, 1],
      ['r2-s01', 2, 1],
      ['r2-s02', 2, 1],
      ['r2-s03', 2, 1],
    ]);
    for (const b of [...top, ...bottom]) {
      const cx = (b.x + b.w / 2) / 1000;
      const cy = (b.y + b.h / 2) / 800;
      expect(slots.filter((s) => inside(s.polygon as [number, number][], cx, cy))).toHaveLength(1);
    }
    for (const s of slots) expect(slotSchema.safeParse({ id: s.id, sku: s.sku, name: s.name, polygon: s.polygon }).success).toBe(true);
  });

  it('slots suggest writes a slots file from the detector, and says when it finds nothing', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'prov-slots-'));
    const frame = join(tmp, 'frame.jpg');
    writeFileSync(frame, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    const scripted =
      (boxes: Box[]): (() => Promise<BottleVision>) =>
      async () => ({
        versions: { detector: 'scripted' },
        close: async () => undefined,
        analyze: async () => ({
          width: 1000,
          height: 800,
          bottles: boxes.map((box) => ({ box, score: 0.9, label: 'bottle', fill: 0.5, fillSigma: 0.1 })),
          timings: { decodeMs: 0, detectMs: 0, fillMs: 0, totalMs: 0 },
        }),
      });
    let out = '';
    const ctx = makeCtx({ stdout: (t) => (out += t), stderr: () => undefined, isTty: false }, true);
    const file = join(tmp, 'slots.json');
    await slotsSuggest(ctx, { out: file, camera: 'back-bar', minScore: '0.4' }, [frame], scripted([...top, ...bottom]));
    expect(JSON.parse(out)).toMatchObject({ ok: true, bottles: 7, rows: 2 });
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written).toMatchObject({ v: 1, camera: 'back-bar', width: 1000, height: 800 });
    expect(written.slots).toHaveLength(6);
    await expect(slotsSuggest(ctx, { out: file, camera: 'c', minScore: '0.4' }, [frame], scripted([]))).rejects.toThrow(/no bottles/);
  });
});
