import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBottleVision, type BottleVision, type FrameAnalysis } from '@smartstock/models';
import { shelfSchema } from '../../src/config/schema.js';
import { countThrough, passerBy, type PasserBy, type PersonName } from '../helpers/passer-by.js';

/**
 * A photographed person stands in front of a generated back bar that never changes, through the shipped detector
 * and a real Shelf. Figures over many scenes: `npm run eval:person -w edge-agent`.
 */
let vision: BottleVision;
beforeAll(async () => {
  vision = await loadBottleVision();
});
afterAll(async () => {
  await vision.close();
});

async function seen(seed: number, person: PersonName = 'astronaut'): Promise<{ scenario: PasserBy; analyses: FrameAnalysis[] }> {
  const scenario = await passerBy({ seed, person });
  const analyses: FrameAnalysis[] = [];
  for (const jpeg of scenario.frames) analyses.push(await vision.analyze(jpeg));
  return { scenario, analyses };
}

describe('a person standing in front of the shelf', () => {
  it('is seen by the shipped detector, in the frame pixels, and only while there', async () => {
    for (const [seed, person] of [
      [5_300_003, 'astronaut'],
      [5_300_004, 'cameraman'],
    ] as const) {
      const { scenario, analyses } = await seen(seed, person);
      analyses.forEach((a, frame) => {
        const people = a.people ?? [];
        if (!scenario.personIn[frame]) expect(people, `${person}, frame ${frame}: nobody there`).toEqual([]);
      });
      const standing = analyses.filter((a, frame) => scenario.personIn[frame] && (a.people ?? []).length > 0);
      expect(standing.length, person).toBeGreaterThanOrEqual(scenario.personIn.filter(Boolean).length - 2);
      // the person is pasted from the bottom edge, 540 px tall: their box reaches down to it
      for (const a of standing) expect(Math.max(...a.people!.map((p) => p.box.y + p.box.h))).toBeGreaterThan(a.height * 0.9);
    }
  });

  it('does not empty the rows it hides: their counts are held and marked occluded, then go on unchanged', async () => {
    const rules = shelfSchema.parse({});
    for (const seed of [5_300_003, 5_300_004]) {
      const { scenario, analyses } = await seen(seed);
      // the control: without the detector's people the same frames report rows losing bottles they never lost
      const plain = countThrough(scenario, analyses, rules, false);
      expect(plain.falseChanges.length, `seed ${seed}: the person hides bottles`).toBeGreaterThan(0);
      const held = countThrough(scenario, analyses, rules, true);
      expect(held.falseChanges, `seed ${seed}`).toEqual([]);
      expect(held.wrongSlotFrames).toBe(0);
      expect(held.occludedSlotFrames).toBeGreaterThan(0);
    }
  });
});
