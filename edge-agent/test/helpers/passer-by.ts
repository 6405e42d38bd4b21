import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_MODEL_DIR, makeScene, renderScene, slotsHiddenByPeople, type BottleTruth, type FrameAnalysis } from '@smartstock/models';
import { cameraConfigSchema, type Observation, type SlotConfig } from '@smartstock/protocol';
import { createLogger } from '@smartstock/runtime';
import { EventBus } from '../../src/bus.js';
import type { AgentConfig } from '../../src/config/schema.js';
import { Shelf } from '../../src/shelf/shelf.js';

type ShelfRules = AgentConfig['shelf'];

const PEOPLE_DIR = join(dirname(DEFAULT_MODEL_DIR), 'test/fixtures/people');

/**
 * Real photographs of people (models' privacy fixtures, public domain and CC0: their README), each with the
 * outline of the person in it (unit-square SVG shapes): the generator draws people as silhouettes no COCO-trained
 * detector calls a person, so "someone in front of the shelf" is a photographed one, cut out of their background.
 */
export const PEOPLE = {
  // head and orange suit, facing the camera; her photo's flag and model space shuttle (a bottle to the detector) left out
  astronaut: {
    file: join(PEOPLE_DIR, 'astronaut.jpg'),
    outline: '<ellipse cx="0.44" cy="0.2" rx="0.15" ry="0.19"/><polygon points="0.22,0.33 0.62,0.33 0.72,0.6 0.72,1 0.04,1 0.06,0.6"/>',
  },
  // a man in a dark coat seen from the side, arms out to his camera; the tripod and the field behind him left out
  cameraman: {
    file: join(PEOPLE_DIR, 'cameraman.jpg'),
    outline:
      '<ellipse cx="0.42" cy="0.22" rx="0.11" ry="0.11"/>' +
      '<polygon points="0.30,0.24 0.36,0.30 0.50,0.36 0.64,0.34 0.66,0.46 0.50,0.53 0.33,0.58 0.27,1 0,1 0,0.5 0.12,0.30"/>',
  },
} as const;
export type PersonName = keyof typeof PEOPLE;

/** A person cut out of their photo (a PNG with alpha), `side` px square. */
export async function personCutout(side: number, name: PersonName = 'astronaut'): Promise<Buffer> {
  const { file, outline } = PEOPLE[name];
  const mask = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}" viewBox="0 0 1 1"><g fill="white">${outline}</g></svg>`,
  );
  const alpha = await sharp(mask).resize(side, side).greyscale().raw().toBuffer();
  const rgb = await sharp(file).resize(side, side).removeAlpha().toColourspace('srgb').raw().toBuffer();
  return sharp(rgb, { raw: { width: side, height: side, channels: 3 } })
    .joinChannel(alpha, { raw: { width: side, height: side, channels: 1 } })
    .png()
    .toBuffer();
}

/** One slot per shelf row: the row's bottle boxes ([x, y, w, h] pixels), grown a little, in normalised coordinates. */
export function rowSlots(
  bottles: readonly Pick<BottleTruth, 'box'>[],
  width: number,
  height: number,
): { slot: SlotConfig; expected: number }[] {
  const rows: Pick<BottleTruth, 'box'>[][] = [];
  for (const b of [...bottles].sort((p, q) => p.box[1] + p.box[3] - (q.box[1] + q.box[3]))) {
    const bottom = b.box[1] + b.box[3];
    const row = rows.find((r) => Math.abs(r[0]!.box[1] + r[0]!.box[3] - bottom) < height * 0.05);
    if (row) row.push(b);
    else rows.push([b]);
  }
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return rows.map((r, i) => {
    const x0 = clamp(Math.min(...r.map((b) => b.box[0])) / width - 0.02);
    const y0 = clamp(Math.min(...r.map((b) => b.box[1])) / height - 0.02);
    const x1 = clamp(Math.max(...r.map((b) => b.box[0] + b.box[2])) / width + 0.02);
    const y1 = clamp(Math.max(...r.map((b) => b.box[1] + b.box[3])) / height + 0.02);
    const polygon: [number, number][] = [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ];
    return { slot: { id: `row-${i}`, sku: `SKU-${i}`, polygon }, expected: r.length };
  });
}

export interface PasserBy {
  /** JPEG frames in order: the shelf clear, a person crossing in front of it, the shelf clear again. */
  frames: Buffer[];
  /** Per frame: whether the person is in it. */
  personIn: boolean[];
  slots: SlotConfig[];
  width: number;
  height: number;
}

/**
 * A generated back bar (its drawn people and hands removed) that does not change, and a photographed person, head
 * and shoulders `size` of the frame's height, who walks in from the left in `walk` frames, stands in front of the
 * shelf for `stand` frames (a bartender pouring; the agent reads about a frame a second) and walks out to the right:
 * every count change a tracker reports over these frames is a false one.
 */
export async function passerBy(o: {
  seed: number;
  width?: number;
  height?: number;
  clear?: number;
  walk?: number;
  stand?: number;
  size?: number;
  person?: PersonName;
}): Promise<PasserBy> {
  const width = o.width ?? 1280;
  const height = o.height ?? 720;
  const clear = o.clear ?? 4;
  const walk = o.walk ?? 4;
  const stand = o.stand ?? 6;
  const scene = makeScene({ seed: o.seed, split: 'normal', width, height });
  scene.props = scene.props.filter((p) => p.kind !== 'person' && p.kind !== 'hand');
  const { jpeg, bottles } = await renderScene(scene);
  const side = Math.round(height * (o.size ?? 0.75));
  const photo = await personCutout(side, o.person);
  // where they stop, from the seed: anywhere from a quarter to three quarters across
  const stop = Math.round(width * (0.25 + 0.5 * ((o.seed * 0.618034) % 1)) - side / 2);
  const path = [
    ...Array.from({ length: walk }, (_, i) => Math.round(-side / 2 + ((stop + side / 2) * i) / walk)),
    ...Array.from({ length: stand }, () => stop),
    ...Array.from({ length: walk }, (_, i) => Math.round(stop + ((width - side / 2 - stop) * (i + 1)) / walk)),
  ];
  const frames: Buffer[] = [];
  const personIn: boolean[] = [];
  const add = (frame: Buffer, withPerson: boolean): void => {
    frames.push(frame);
    personIn.push(withPerson);
  };
  // the clear frames are encoded as the others, so the person is the only difference between them
  const empty = await sharp(jpeg).jpeg({ quality: 90 }).toBuffer();
  for (let i = 0; i < clear; i++) add(empty, false);
  for (const left of path) {
    const x = Math.max(0, left);
    const crop = await sharp(photo)
      .extract({ left: x - left, top: 0, width: Math.min(side - (x - left), width - x), height: side })
      .toBuffer();
    add(
      await sharp(jpeg)
        .composite([{ input: crop, left: x, top: height - side }])
        .jpeg({ quality: 90 })
        .toBuffer(),
      true,
    );
  }
  for (let i = 0; i < clear; i++) add(empty, false);
  const slots = rowSlots(
    bottles.filter((b) => !b.ignore),
    width,
    height,
  ).map((r) => r.slot);
  return { frames, personIn, slots, width, height };
}

/** What a shelf reported while the person passed, slot by slot. */
export interface PasserByCounts {
  /** Each slot's count once the clear frames settled it (the tracker's own, not the generator's truth). */
  settled: Map<string, number>;
  /**
   * Count changes reported after settling, away from the settled count: every one is false, the shelf never
   * changes (a change back to it, or a state change at the count last reported, is not one). `hidden`: the
   * person had covered that slot (personCover) by then; false: the count moved in a slot they never stood in
   * front of.
   */
  falseChanges: { slotId: string; count: number; frame: number; hidden: boolean }[];
  /** Slot-frames whose held count differed from the settled one. */
  wrongSlotFrames: number;
  /** Slot-frames marked occluded. */
  occludedSlotFrames: number;
  /** Frames with the person in them where the detector saw a person. */
  personSeen: number;
}

/**
 * Feeds analyses (one per frame of `scenario`) through a real Shelf, as the agent does, with or without the
 * people the detector saw (without: what a bottles-only detector gives the shelf).
 */
export function countThrough(
  scenario: PasserBy,
  analyses: readonly FrameAnalysis[],
  rules: ShelfRules,
  withPeople: boolean,
): PasserByCounts {
  const log = createLogger('passer-by', { level: 'silent' });
  const bus = new EventBus(log);
  const shelf = new Shelf({ rules, bus, log });
  shelf.apply([cameraConfigSchema.parse({ id: 'back-bar', url: 'rtsp://camera.local/shelf', slots: scenario.slots })]);
  shelf.start();
  const observations: Observation[][] = [];
  bus.on('observations', 'test', (batch) => observations.push(batch));
  const settled = new Map<string, number>();
  const result: PasserByCounts = { settled, falseChanges: [], wrongSlotFrames: 0, occludedSlotFrames: 0, personSeen: 0 };
  const clear = scenario.personIn.indexOf(true);
  const hiddenBy = new Set<string>();
  const reported = new Map<string, number>();
  try {
    analyses.forEach((analysis, frame) => {
      const people = analysis.people ?? [];
      if (scenario.personIn[frame] && people.length) result.personSeen += 1;
      for (const id of slotsHiddenByPeople(analysis, scenario.slots, rules.personCover)) hiddenBy.add(id);
      const given = withPeople ? analysis : { ...analysis, people: [] };
      observations.length = 0;
      bus.emit('analysis', { cameraId: 'back-bar', at: frame * 1000, analysis: given });
      const values = shelf.values();
      if (frame === clear - 1)
        for (const v of values) {
          settled.set(v.slotId, v.value?.count ?? 0);
          reported.set(v.slotId, v.value?.count ?? 0);
        }
      if (frame < clear) return;
      for (const o of observations.flat()) {
        // a report at the count last reported is a state change (occluded, seen again), not a count change
        if (o.count === reported.get(o.slotId)) continue;
        reported.set(o.slotId, o.count);
        if (o.count !== settled.get(o.slotId))
          result.falseChanges.push({ slotId: o.slotId, count: o.count, frame, hidden: hiddenBy.has(o.slotId) });
      }
      for (const v of values) {
        if ((v.value?.count ?? 0) !== settled.get(v.slotId)) result.wrongSlotFrames += 1;
        if (v.value?.state === 'occluded') result.occludedSlotFrames += 1;
      }
    });
  } finally {
    shelf.stop();
  }
  return result;
}
