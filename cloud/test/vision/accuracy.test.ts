import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';
import { accuracyOf, modelVersionLabel } from '../../src/vision/accuracy.js';
import { AccuracyService } from '../../src/vision/index.js';

const V1 = { detector: '1.0', fill: '0.1' };
const V2 = { fill: '0.1', detector: '2.0' };

interface Made {
  at: string;
  versions: Record<string, string> | null;
  model: number | null;
  modelFills?: (number | null)[];
  truth: number;
  trueFills?: number[];
}

/**
 * Drift figures on constructed corrections, every number worked out by hand:
 *   v1, 1 March: 5→5 (fills 1,1,1,1,.5 vs 1,1,1,1,.7), 4→6, 3→2 (fills given but the count changed), none→3
 *   v1, 2 March: 2→2 (fills .8,null vs .6,.9)
 *   v2, 2 March: 3→3, 1→0
 *   unknown (a row from before versions were recorded), 1 March: 2→2
 */
const MADE: Made[] = [
  { at: '2026-03-01T12:00:00Z', versions: V1, model: 5, modelFills: [1, 1, 1, 1, 0.5], truth: 5, trueFills: [1, 1, 1, 1, 0.7] },
  { at: '2026-03-01T12:01:00Z', versions: V1, model: 4, truth: 6 },
  { at: '2026-03-01T12:02:00Z', versions: V1, model: 3, modelFills: [1, 1, 1], truth: 2, trueFills: [1, 0.5] },
  { at: '2026-03-01T12:03:00Z', versions: V1, model: null, truth: 3 },
  { at: '2026-03-02T12:00:00Z', versions: V1, model: 2, modelFills: [0.8, null], truth: 2, trueFills: [0.6, 0.9] },
  { at: '2026-03-02T12:01:00Z', versions: V2, model: 3, truth: 3 },
  { at: '2026-03-02T12:02:00Z', versions: V2, model: 1, truth: 0 },
  { at: '2026-03-01T13:00:00Z', versions: null, model: 2, truth: 2 },
];

async function insert(t: TestCloud, venueId: string, locationId: string, m: Made): Promise<void> {
  await t.cloud.db.query(
    `INSERT INTO slot_corrections (org_id, venue_id, location_id, device_id, camera_id, slot_id, polygon, model_count, model_fills,
       true_count, true_fills, crop_missing, model_versions, created_at)
     VALUES ($1, $2, $3, 'edge-1', 'cam-1', 'slot-1', '[[0,0],[1,0],[1,1]]', $4, $5, $6, $7, 'constructed', $8, $9)`,
    [
      t.cloud.orgId,
      venueId,
      locationId,
      m.model,
      m.model === null ? null : JSON.stringify(m.modelFills ?? Array(m.model).fill(1)),
      m.truth,
      m.trueFills ? JSON.stringify(m.trueFills) : null,
      m.versions ? JSON.stringify(m.versions) : null,
      m.at,
    ],
  );
}

describe('the vision model watched for drift', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build({ alerts: { rules: { modelDrift: { countErrorAbove: 0.5, minJudged: 3, windowDays: 7 } } } });
    for (const m of MADE) await insert(t, t.demo.venueId, t.demo.locations.mainBar, m);
  });
  afterAll(() => t?.close());

  it('names a set of models the same whatever order the device listed them in', () => {
    expect(modelVersionLabel(V1)).toBe('detector 1.0 + fill 0.1');
    expect(modelVersionLabel(V2)).toBe('detector 2.0 + fill 0.1');
    expect(modelVersionLabel(null)).toBe('unknown');
    expect(accuracyOf([])).toMatchObject({ corrections: 0, judged: 0, confirmedShare: null, countError: null, fillError: null });
  });

  it('gives per venue and model version, day by day, the confirmed and changed shares, the count error and the fill error', async () => {
    const r = await t.api('GET', '/api/v1/vision/accuracy?from=2026-03-01&to=2026-03-02', { token: t.ownerToken });
    expect(r.status).toBe(200);
    expect(r.body.from).toBe('2026-03-01');
    expect(r.body.venues).toHaveLength(1);
    const v = r.body.venues[0];
    expect(v).toMatchObject({ venueId: t.demo.venueId, venueName: 'The Anchor', timezone: 'Europe/London' });
    expect(v.series.map((s: { modelVersion: string }) => s.modelVersion)).toEqual([
      'detector 1.0 + fill 0.1',
      'detector 2.0 + fill 0.1',
      'unknown',
    ]);
    const [v1, v2, unknown] = v.series;
    expect(v1.versions).toEqual(V1);
    expect(v1.days).toEqual([
      {
        day: '2026-03-01',
        corrections: 4,
        judged: 3,
        confirmed: 1,
        changed: 2,
        confirmedShare: 0.3333,
        changedShare: 0.6667,
        countError: 1, // (0 + 2 + 1) / 3
        fillError: 0.04, // 0.2 over 5 bottles
        fillBottles: 5,
      },
      {
        day: '2026-03-02',
        corrections: 1,
        judged: 1,
        confirmed: 1,
        changed: 0,
        confirmedShare: 1,
        changedShare: 0,
        countError: 0,
        fillError: 0.2, // the unreadable bottle is skipped
        fillBottles: 1,
      },
    ]);
    expect(v1.total).toEqual({
      corrections: 5,
      judged: 4,
      confirmed: 2,
      changed: 2,
      confirmedShare: 0.5,
      changedShare: 0.5,
      countError: 0.75,
      fillError: 0.0667, // 0.4 over 6 bottles
      fillBottles: 6,
    });
    expect(v2.total).toEqual({
      corrections: 2,
      judged: 2,
      confirmed: 1,
      changed: 1,
      confirmedShare: 0.5,
      changedShare: 0.5,
      countError: 0.5,
      fillError: null,
      fillBottles: 0,
    });
    expect(unknown.versions).toBeNull();
    expect(unknown.days).toEqual([expect.objectContaining({ day: '2026-03-01', judged: 1, confirmed: 1, countError: 0 })]);
  });

  it('keeps to the range and the venue asked for', async () => {
    const one = await t.api('GET', `/api/v1/vision/accuracy?from=2026-03-02&to=2026-03-02&venueId=${t.demo.venueId}`, {
      token: t.ownerToken,
    });
    const series = one.body.venues[0].series as { modelVersion: string; total: { corrections: number } }[];
    expect(series.map((s) => [s.modelVersion, s.total.corrections])).toEqual([
      ['detector 2.0 + fill 0.1', 2],
      ['detector 1.0 + fill 0.1', 1],
    ]);
    const none = await t.api('GET', '/api/v1/vision/accuracy?from=2026-02-01&to=2026-02-28', { token: t.ownerToken });
    expect(none.body).toEqual({ from: '2026-02-01', to: '2026-02-28', venues: [] });
  });

  it('refuses a range backwards or over a year, and people other than owners and managers', async () => {
    const back = await t.api('GET', '/api/v1/vision/accuracy?from=2026-03-02&to=2026-03-01', { token: t.ownerToken });
    expect([back.status, back.body.error.field]).toEqual([400, 'from']);
    const long = await t.api('GET', '/api/v1/vision/accuracy?from=2024-01-01&to=2026-01-01', { token: t.ownerToken });
    expect(long.status).toBe(400);
    const notADay = await t.api('GET', '/api/v1/vision/accuracy?from=yesterday', { token: t.ownerToken });
    expect(notADay.status).toBe(400);
    expect((await t.api('GET', '/api/v1/vision/accuracy', { token: await t.userWithRole('manager') })).status).toBe(200);
    expect((await t.api('GET', '/api/v1/vision/accuracy', { token: await t.userWithRole('bartender') })).status).toBe(403);
  });

  it("the hourly sweep feeds each venue with recent corrections its window's figures, across organisations", async () => {
    const fed: unknown[] = [];
    const at = new Date('2026-03-04T12:00:00Z');
    const defaults = { windowDays: 2, countErrorAbove: 0.5, minJudged: 3, correctionsAtLeast: 30 };
    const s = new AccuracyService(t.cloud.db, { alerts: { modelDrift: async (r) => void fed.push(r) }, defaults, now: () => at });
    // the sweep looks back two windows (from 28 February noon); the figures cover one (from 2 March noon): v1's 2→2, v2's 3→3 and 1→0
    expect(await s.sweep()).toBe(1);
    expect(fed).toEqual([
      {
        orgId: t.cloud.orgId,
        venueId: t.demo.venueId,
        at,
        countError: 0.3333,
        judged: 3,
        corrections: 3,
        windowDays: 2,
        thresholds: { countErrorAbove: 0.5, minJudged: 3, correctionsAtLeast: 30 },
      },
    ]);
  });

  it('raises model_drift when the count error of the last window passes the threshold, suggesting the corrections export', async () => {
    // three recent corrections two bottles off each; the real correction below (a slot with no reading) is not judged
    const recent = new Date(Date.now() - 3_600_000).toISOString();
    for (let i = 0; i < 3; i++) await insert(t, t.demo.venueId, t.demo.locations.mainBar, { at: recent, versions: V2, model: 4, truth: 2 });
    const token = t.ownerToken;
    await t.api('POST', '/api/v1/devices', { token, body: { id: 'drift-edge', venueId: t.demo.venueId, name: 'Drift' } });
    const slot = {
      id: 's1',
      itemId: t.demo.items['TITOS-750'],
      polygon: [
        [0, 0],
        [1, 0],
        [1, 1],
      ],
    };
    const camera = { id: 'c1', locationId: t.demo.locations.mainBar, url: 'rtsp://10.0.0.9/s', slots: [slot] };
    expect((await t.api('PUT', '/api/v1/devices/drift-edge/cameras', { token, body: { cameras: [camera] } })).status).toBe(200);
    const before = (await t.api('GET', '/api/v1/alerts', { token })).body as { rule: string }[];
    expect(before.filter((a) => a.rule === 'model_drift')).toEqual([]);
    const c = await t.api('POST', '/api/v1/devices/drift-edge/cameras/c1/slots/s1/corrections', { token, body: { trueCount: 1 } });
    expect(c.status).toBe(201);
    const drift = ((await t.api('GET', '/api/v1/alerts', { token })).body as { rule: string; message: string }[]).filter(
      (a) => a.rule === 'model_drift',
    );
    expect(drift).toHaveLength(1);
    const since = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    expect(drift[0]!.message).toBe(
      `The Anchor: the camera counts were off by 2 bottles a slot on average over the last 7 days (4 corrections). ` +
        `Export its corrections since ${since} to fine-tune the model (GET /api/v1/corrections/export?since=${since}, then npm run train:vision).`,
    );
  });
  const driftAlerts = async () =>
    ((await t.api('GET', '/api/v1/alerts', { token: t.ownerToken })).body as { rule: string; state: string; venueId: string }[]).filter(
      (a) => a.rule === 'model_drift' && a.venueId === t.demo.venueId,
    );

  it("a venue's own thresholds replace the config's for its model_drift alert, and go back to them when cleared", async () => {
    const before = await t.api('GET', '/api/v1/vision/drift-thresholds', { token: t.ownerToken });
    expect(before.status).toBe(200);
    expect(before.body.defaults).toEqual({ windowDays: 7, countErrorAbove: 0.5, minJudged: 3, correctionsAtLeast: 30 });
    expect(before.body.venues).toEqual([
      {
        venueId: t.demo.venueId,
        venueName: 'The Anchor',
        override: { windowDays: null, countErrorAbove: null, minJudged: null, correctionsAtLeast: null },
        effective: before.body.defaults,
        updatedAt: null,
      },
    ]);
    expect((await driftAlerts()).map((a) => a.state)).toEqual(['raised']);

    // this venue's shelves are hard: 2 bottles off a slot is expected here; the alert clears at once (at half: 2 <= 2.5)
    const put = await t.api('PUT', `/api/v1/vision/drift-thresholds/${t.demo.venueId}`, {
      token: t.ownerToken,
      body: { countErrorAbove: 5, windowDays: 14 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      override: { windowDays: 14, countErrorAbove: 5, minJudged: null, correctionsAtLeast: null },
      effective: { windowDays: 14, countErrorAbove: 5, minJudged: 3, correctionsAtLeast: 30 },
    });
    expect(put.body.updatedAt).not.toBeNull();
    expect((await driftAlerts()).map((a) => a.state)).toEqual(['resolved']);
    const list = (await t.api('GET', '/api/v1/vision/drift-thresholds', { token: await t.userWithRole('manager') })).body;
    expect(list.venues[0].effective.countErrorAbove).toBe(5);

    // every value back to the default: the same corrections raise it again
    const reset = await t.api('PUT', `/api/v1/vision/drift-thresholds/${t.demo.venueId}`, { token: t.ownerToken, body: {} });
    expect(reset.body.override).toEqual({ windowDays: null, countErrorAbove: null, minJudged: null, correctionsAtLeast: null });
    expect(reset.body.updatedAt).toBeNull();
    expect((await driftAlerts()).map((a) => a.state).sort()).toEqual(['raised', 'resolved']);
  });

  it('refuses a bad threshold naming it, another organisation’s venue, and people other than the owner', async () => {
    const path = `/api/v1/vision/drift-thresholds/${t.demo.venueId}`;
    const zero = await t.api('PUT', path, { token: t.ownerToken, body: { windowDays: 0 } });
    expect(zero.status).toBe(400);
    expect(JSON.stringify(zero.body.error)).toContain('windowDays');
    const extra = await t.api('PUT', path, { token: t.ownerToken, body: { threshold: 1 } });
    expect(extra.status).toBe(400);
    const other = await t.otherOrg();
    expect((await t.api('PUT', `/api/v1/vision/drift-thresholds/${other.demo.venueId}`, { token: t.ownerToken, body: {} })).status).toBe(
      404,
    );
    expect(
      (await t.api('GET', '/api/v1/vision/drift-thresholds', { token: other.token })).body.venues.map(
        (v: { venueId: string }) => v.venueId,
      ),
    ).toEqual([other.demo.venueId]);
    expect((await t.api('PUT', path, { token: await t.userWithRole('manager'), body: {} })).status).toBe(403);
    expect((await t.api('GET', '/api/v1/vision/drift-thresholds', { token: await t.userWithRole('bartender') })).status).toBe(403);
  });
});
