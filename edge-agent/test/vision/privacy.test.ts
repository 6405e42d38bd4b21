import { fileURLToPath } from 'node:url';
import { createLogger } from '@smartstock/runtime';
import { describe, expect, it } from 'vitest';
import type { PeopleFinder } from '@smartstock/models';
import { privacySchema } from '../../src/config/schema.js';
import { PrivacyPass } from '../../src/vision/privacy.js';

const log = createLogger('test', { level: 'silent' });
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

describe('privacy pass before a snapshot', () => {
  it('is on by default', () => {
    expect(privacySchema.parse({}).blurPeople).toBe(true);
  });

  it('withholds the snapshot, saying why, when the people model cannot be loaded', async () => {
    const bottleOnly = fileURLToPath(new URL('../../../models/onnx/drawn-shelves/detector.json', import.meta.url));
    const pass = new PrivacyPass(privacySchema.parse({ peopleModel: bottleOnly }), log);
    await expect(pass.peopleIn(jpeg)).rejects.toThrow(/snapshot withheld: people could not be blurred.*no "person" class/);
    await pass.close();
  });

  it('withholds the snapshot when the finder fails on the frame', async () => {
    const broken: PeopleFinder = { find: () => Promise.reject(new Error('inference failed')), close: () => Promise.resolve() };
    const pass = new PrivacyPass(privacySchema.parse({}), log, broken);
    await expect(pass.peopleIn(jpeg)).rejects.toThrow(/snapshot withheld.*inference failed/);
  });

  it('asks nobody when the venue turned it off, and leaves a shared finder open', async () => {
    let closed = false;
    let asked = 0;
    const finder: PeopleFinder = {
      find: () => (asked++, Promise.resolve([{ x: 1, y: 1, w: 2, h: 2, score: 0.9 }])),
      close: () => ((closed = true), Promise.resolve()),
    };
    expect(await new PrivacyPass(privacySchema.parse({ blurPeople: false }), log, finder).peopleIn(jpeg)).toEqual([]);
    expect(asked).toBe(0);
    const on = new PrivacyPass(privacySchema.parse({}), log, finder);
    expect(await on.peopleIn(jpeg)).toHaveLength(1);
    await on.close();
    expect(closed).toBe(false);
  });
});
