import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxIou } from '../src/eval/metrics.js';
import {
  loadBottleVision,
  loadPeopleFinder,
  makeScene,
  PEOPLE_IN_FRONT_THRESHOLD,
  renderScene,
  VisionError,
  type PeopleFinder,
} from '../src/index.js';

const PERSON = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/people/astronaut.jpg');

/** A generated back bar without its drawn people, and optionally a real person photographed in front. */
async function shelf(seed: number, person?: { left: number; top: number; size: number }): Promise<Buffer> {
  const s = makeScene({ seed, split: 'normal', width: 1280, height: 720 });
  s.props = s.props.filter((p) => p.kind !== 'person' && p.kind !== 'hand');
  const { jpeg } = await renderScene(s);
  if (!person) return jpeg;
  const photo = await sharp(PERSON).resize(person.size, person.size).toBuffer();
  return sharp(jpeg)
    .composite([{ input: photo, left: person.left, top: person.top }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

let finder: PeopleFinder;
beforeAll(async () => {
  finder = await loadPeopleFinder();
});
afterAll(async () => {
  await finder.close();
});

describe('people finder (COCO YOLOX-Nano, person class)', () => {
  it('finds a real person standing in front of a generated shelf, in the frame pixels', async () => {
    for (const [seed, left, size] of [
      [5_100_001, 500, 300],
      [5_100_002, 100, 420],
      [5_100_003, 900, 240],
    ] as const) {
      const top = 720 - size;
      const people = await finder.find(await shelf(seed, { left, top, size }));
      // The photo is head and shoulders: the person box sits within the pasted square.
      const best = Math.max(0, ...people.map((p) => boxIou(p, { x: left, y: top, w: size, h: size })));
      expect(best, `seed ${seed}: ${JSON.stringify(people)}`).toBeGreaterThan(0.3);
    }
  });

  it('finds no one on an empty shelf', async () => {
    for (const seed of [5_100_011, 5_100_012, 5_100_013]) {
      const people = await finder.find(await shelf(seed));
      expect(
        people.filter((p) => p.score >= 0.5),
        `seed ${seed}`,
      ).toEqual([]);
    }
  });

  it('refuses a detector that never learnt people, naming the file', async () => {
    const bottleOnly = join(dirname(fileURLToPath(import.meta.url)), '../onnx/drawn-shelves/detector.json');
    await expect(loadPeopleFinder({ metaFile: bottleOnly })).rejects.toThrow(VisionError);
    await expect(loadPeopleFinder({ metaFile: bottleOnly })).rejects.toThrow(/no "person" class/);
  });
});

describe('the people of the bottle pass (FrameAnalysis.people)', () => {
  it('come from the shipped detector with the bottles, in the frame pixels, and not on an empty shelf', async () => {
    const vision = await loadBottleVision();
    try {
      const [left, size] = [400, 420];
      const withPerson = await vision.analyze(await shelf(5_100_021, { left, top: 720 - size, size }));
      const best = Math.max(0, ...(withPerson.people ?? []).map((p) => boxIou(p.box, { x: left, y: 720 - size, w: size, h: size })));
      expect(best, JSON.stringify(withPerson.people)).toBeGreaterThan(0.3);
      expect(withPerson.people!.every((p) => p.score >= PEOPLE_IN_FRONT_THRESHOLD)).toBe(true);
      expect(withPerson.bottles.length).toBeGreaterThan(0);
      const empty = await vision.analyze(await shelf(5_100_021));
      expect(empty.people).toEqual([]);
    } finally {
      await vision.close();
    }
  });

  it('are absent for a detector that never learnt people', async () => {
    const modelDir = join(dirname(fileURLToPath(import.meta.url)), '../onnx/drawn-shelves');
    const vision = await loadBottleVision({ modelDir, fillDir: join(modelDir, '..') });
    try {
      const a = await vision.analyze(await shelf(5_100_021, { left: 400, top: 300, size: 420 }));
      expect(a.people).toBeUndefined();
    } finally {
      await vision.close();
    }
  });
});
