import { describe, expect, it } from 'vitest';
import { defaultAlertsConfig } from '../../src/alerts/config.js';
import { alertText } from '../../src/alerts/messages.js';
import { RULES, type DriftReading } from '../../src/alerts/rules.js';

const cfg = defaultAlertsConfig().rules; // error above 0.5 (clear at 0.25), 5 judged at least, 30 corrections a pile-up
const reading = (o: Partial<DriftReading>): DriftReading => ({
  orgId: 'o',
  venueId: 'v',
  at: new Date('2026-03-10T12:00:00Z'),
  countError: 0,
  judged: 10,
  corrections: 10,
  windowDays: 7,
  ...o,
});
const classify = (o: Partial<DriftReading>) => RULES.model_drift.classify(reading(o), cfg);

describe('model_drift: a venue whose camera counts drift', () => {
  it('breaches above the count error threshold once enough corrections were judged, clears at half of it', () => {
    expect(classify({ countError: 0.6 })).toBe('breach');
    expect(classify({ countError: 0.5 })).toBe('band');
    expect(classify({ countError: 0.3 })).toBe('band');
    expect(classify({ countError: 0.25 })).toBe('clear');
    // four judged corrections two bottles off say too little
    expect(classify({ countError: 2, judged: 4, corrections: 4 })).toBe('clear');
  });

  it('breaches when corrections pile up whatever the error, clears under half as many', () => {
    expect(classify({ countError: 0, corrections: 30, judged: 30 })).toBe('breach');
    expect(classify({ countError: null, corrections: 30, judged: 0 })).toBe('breach');
    expect(classify({ countError: 0, corrections: 20 })).toBe('band');
    expect(classify({ countError: 0, corrections: 14 })).toBe('clear');
  });

  it("judges by the venue's own thresholds when the reading carries them", () => {
    const own = { countErrorAbove: 2, minJudged: 3, correctionsAtLeast: 100 };
    expect(classify({ countError: 1.5, thresholds: own })).toBe('band');
    expect(classify({ countError: 2.5, judged: 3, corrections: 3, thresholds: own })).toBe('breach');
    expect(classify({ countError: 0, corrections: 60, thresholds: own })).toBe('band'); // no pile-up under its own 100
    expect(classify({ countError: 0.9, thresholds: own })).toBe('clear');
  });

  it('is one alert per venue', () => {
    expect(RULES.model_drift.subject(reading({}))).toEqual({ key: 'venue:v' });
  });

  it('says how far off or how many corrections, and suggests exporting them for fine-tuning', () => {
    const ctx = { venueName: 'The Anchor', timezone: 'Europe/London' };
    expect(alertText('model_drift', { countError: null, corrections: 31, windowDays: 7, since: '2026-03-03T12:00:00.000Z' }, ctx)).toBe(
      'The Anchor: 31 corrections in the last 7 days: the cameras may be miscounting. Export its corrections since 2026-03-03 ' +
        'to fine-tune the model (GET /api/v1/corrections/export?since=2026-03-03, then npm run train:vision).',
    );
    expect(alertText('model_drift', { countError: 1, corrections: 1, windowDays: 1 }, ctx)).toBe(
      'The Anchor: the camera counts were off by 1 bottle a slot on average over the last 1 day (1 correction). ' +
        'Export its corrections to fine-tune the model (GET /api/v1/corrections/export, then npm run train:vision).',
    );
  });
});
