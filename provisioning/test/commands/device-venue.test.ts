import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa } from '@smartstock/pki';
import { startStandInCloud, TECHNICIAN, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { createLocalDevice } from '../helpers/cli.js';

const VENUE = '6d1f3c1e-8a53-4c8e-9a43-2f7d0c1b9e11';

/**
 * A --venue the cloud does not know is told in the technician's words (the flag), not the API's (body.venueId),
 * and exits 2 like every other wrong flag, with no bundle left behind.
 */
describe('device create with a venue the cloud does not know', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-venue-'));
  const caDir = join(tmp, 'pki');
  let cloud: StandInCloud;
  beforeAll(async () => {
    createCa(caDir);
    cloud = await startStandInCloud();
    cloud.venues.add(VENUE);
  });
  afterAll(() => cloud?.close());

  const create = (venue: string, id: string) =>
    createLocalDevice(
      { id, venue, caDir, mqttUrl: 'mqtts://localhost:8883', out: join(tmp, id) },
      '--cloud-url',
      cloud.url,
      '--token',
      TECHNICIAN.token,
    );

  it('says --venue takes the venue id when given a name', async () => {
    const r = await create('Rooftop', 'bar-a');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the cloud has no venue "Rooftop" in your organisation: --venue takes the venue\'s id, a UUID');
    expect(r.stderr).toContain("fix: the dashboard's Devices page shows the venue's id");
    expect(r.stderr).not.toContain('body.venueId');
    expect(existsSync(join(tmp, 'bar-a'))).toBe(false);
  });

  it('says the same of an id that is no venue of the organisation', async () => {
    const r = await create('0b0b0b0b-0000-4000-8000-000000000000', 'bar-b');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the cloud has no venue "0b0b0b0b-0000-4000-8000-000000000000"');
  });

  it('registers with the venue id, and the cloud refuses none of its requests (no 404 for the device not made yet)', async () => {
    const from = cloud.answered.length;
    const r = await create(VENUE, 'bar-c');
    expect(r.code, r.stderr).toBe(0);
    expect(cloud.devices.get('bar-c')?.venueId).toBe(VENUE);
    const asked = cloud.answered.slice(from);
    expect(asked.map((answer) => `${answer.method} ${answer.url}`)).toContain('POST /api/v1/devices');
    expect(asked.filter((answer) => answer.status >= 400)).toEqual([]);
  });
});
