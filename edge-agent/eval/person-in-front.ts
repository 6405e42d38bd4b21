/**
 * `npm run eval:person -w edge-agent [-- --seeds N]`: a real photographed person walks across in front of
 * generated back bars that never change, through the real detector and a real Shelf, as the agent counts.
 * Every count change reported is false; the table prints them with the detector's people used to hold hidden
 * slots (the default) and without (what a bottles-only detector gives). Figures, not assertions: the test
 * beside the shelf (test/shelf/person-in-front.test.ts) asserts one scene.
 */
import { parseArgs } from 'node:util';
import { loadBottleVision } from '@smartstock/models';
import { shelfSchema } from '../src/config/schema.js';
import { countThrough, PEOPLE, passerBy, type PersonName } from '../test/helpers/passer-by.js';

const { values } = parseArgs({
  options: { seeds: { type: 'string', default: '12' }, stand: { type: 'string', default: '6' }, 'person-cover': { type: 'string' } },
});
const seeds = Number(values.seeds);
const stand = Number(values.stand);
const rules = shelfSchema.parse(values['person-cover'] ? { personCover: Number(values['person-cover']) } : {});
const vision = await loadBottleVision();
const totals = {
  held: { falseChanges: 0, notHidden: 0, wrong: 0, occluded: 0, slots: 0, slotsHit: 0 },
  plain: { falseChanges: 0, notHidden: 0, wrong: 0, occluded: 0, slots: 0, slotsHit: 0 },
};
const people = Object.keys(PEOPLE) as PersonName[];
const seenBy = new Map(people.map((name) => [name, { frames: 0, seen: 0 }]));
let slotFrames = 0;
for (let i = 0; i < seeds; i++) {
  // the photographed people take turns
  const person = people[i % people.length]!;
  const scenario = await passerBy({ seed: 5_300_001 + i, stand, person });
  const analyses = [];
  for (const jpeg of scenario.frames) analyses.push(await vision.analyze(jpeg));
  for (const [name, withPeople] of [
    ['held', true],
    ['plain', false],
  ] as const) {
    const c = countThrough(scenario, analyses, rules, withPeople);
    const t = totals[name];
    t.falseChanges += c.falseChanges.length;
    t.notHidden += c.falseChanges.filter((f) => !f.hidden).length;
    t.wrong += c.wrongSlotFrames;
    t.occluded += c.occludedSlotFrames;
    t.slots += scenario.slots.length;
    t.slotsHit += new Set(c.falseChanges.map((f) => f.slotId)).size;
    if (withPeople) seenBy.get(person)!.seen += c.personSeen;
  }
  seenBy.get(person)!.frames += scenario.personIn.filter(Boolean).length;
  slotFrames += scenario.slots.length * (scenario.frames.length - scenario.personIn.indexOf(true));
}
await vision.close();
console.log(
  `\n## edge-agent: a person walking in front of a shelf that does not change (${seeds} generated back bars, 1280x720, ` +
    `photographed people (${people.join(', ')}, in turn) ${Math.round(0.75 * 720)} px tall walking in over 4 frames, standing ${stand}, walking out over 4, shelf rules as shipped: ` +
    `${rules.consistentReadings} consistent readings, hold ${rules.occlusionHoldReadings}, personCover ${rules.personCover})\n`,
);
for (const [name, { frames, seen }] of seenBy)
  console.log(`The ${name}: in ${frames} frames, seen by the detector in ${seen} (${((100 * seen) / frames).toFixed(0)} %).`);
console.log('');
console.log(
  '| shelf | false count changes reported | of them in slots the person never covered | slots with one (of all) | slot-frames at a wrong count (of all after settling) | slot-frames marked occluded |',
);
console.log('|---|---|---|---|---|---|');
for (const [name, label] of [
  ['held', 'people hold the slots they hide (default)'],
  ['plain', 'people ignored (a bottles-only detector)'],
] as const) {
  const t = totals[name];
  console.log(
    `| ${label} | ${t.falseChanges} | ${t.notHidden} | ${t.slotsHit} of ${t.slots} | ${t.wrong} of ${slotFrames} | ${t.occluded} |`,
  );
}
