import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa } from '@smartstock/pki';
import { startStandInCloud, TECHNICIAN, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { createLocalDevice } from '../helpers/cli.js';

/** Issue 24, finding 2: an id another organisation holds is a failure, not "already registered". */
describe('device create with an id the cloud already knows', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-taken-'));
  const caDir = join(tmp, 'pki');
  let cloud: StandInCloud;
  beforeAll(async () => {
    createCa(caDir);
    cloud = await startStandInCloud();
    cloud.foreign.add('bar-taken');
  });
  afterAll(() => cloud?.close());

  const create = (id: string) =>
    createLocalDevice(
      { id, caDir, mqttUrl: 'mqtts://localhost:8883', out: join(tmp, id) },
      '--cloud-url',
      cloud.url,
      '--token',
      TECHNICIAN.token,
      '--json',
    );

  it('fails with a clear message when another organisation holds the id', async () => {
    const r = await create('bar-taken');
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expect(r.json.error).toMatch(/bar-taken is taken in the cloud by a device that is not in your organisation/);
    expect(cloud.devices.has('bar-taken')).toBe(false);
    // nothing left behind: no bundle with a private key for a device the cloud never took
    expect(existsSync(join(tmp, 'bar-taken'))).toBe(false);
  });

  it("reports a device of the caller's own organisation as already registered", async () => {
    cloud.devices.set('bar-mine', {
      id: 'bar-mine',
      venueId: 'rooftop',
      name: 'Main bar',
      revoked: false,
      online: false,
      lastSeenAt: null,
    });
    const r = await create('bar-mine');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json.cloud).toBe('already-registered');
  });
});
