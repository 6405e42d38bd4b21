import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shelfVideo, type BottleTruth } from '@smartstock/models';
import { slotsSuggest } from '../../src/commands/slots-suggest.js';
import { makeCtx } from '../../src/cli/output.js';

/** `slots suggest` with the committed detector on a generated shelf whose bottles are known. */
describe('slots suggest with the real detector', () => {
  it('covers the shelf’s bottles with slots on the right number of rows', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'prov-slots-real-'));
    const frame = join(tmp, 'frame.jpg');
    let truth: BottleTruth[] = [];
    for await (const f of shelfVideo({ seed: 3, seconds: 0.5, fps: 2, width: 960, height: 540 })) {
      writeFileSync(frame, f.jpeg);
      truth = f.truth.bottles.filter((b) => !b.ignore && b.visible > 0.6);
      break;
    }
    const out = join(tmp, 'slots.json');
    const lines: string[] = [];
    const ctx = makeCtx({ stdout: (s: string) => lines.push(s), stderr: (s: string) => lines.push(s) } as never, true);
    await slotsSuggest(ctx, { out, camera: 'back-bar', minScore: '0.3' }, [frame]);
    const file = JSON.parse(readFileSync(out, 'utf8')) as { slots: { polygon: [number, number][]; row: number }[] };
    const inside = (p: [number, number][], x: number, y: number) => x >= p[0]![0] && x <= p[1]![0] && y >= p[0]![1] && y <= p[2]![1];
    const covered = truth.filter((b) => {
      const [x, y, w, h] = b.box;
      return file.slots.some((s) => inside(s.polygon, (x + w / 2) / 960, (y + h / 2) / 540));
    });
    const truthRows = new Set(truth.map((b) => Math.round((b.box[1] + b.box[3]) / 540 / 0.1))).size;
    const rows = new Set(file.slots.map((s) => s.row)).size;
    const real = file.slots.filter((s) =>
      truth.some((b) => inside(s.polygon, (b.box[0] + b.box[2] / 2) / 960, (b.box[1] + b.box[3] / 2) / 540)),
    );
    console.log(
      `slots suggest: ${covered.length}/${truth.length} bottles covered, ${real.length}/${file.slots.length} slots hold a real bottle, ${rows} rows (truth ~${truthRows})`,
    );
    expect(covered.length / truth.length).toBeGreaterThanOrEqual(0.8);
    expect(real.length / file.slots.length).toBeGreaterThanOrEqual(0.5);
    expect(rows).toBeGreaterThanOrEqual(2);
    expect(rows).toBeLessThanOrEqual(truthRows + 2);
  }, 120_000);
});
