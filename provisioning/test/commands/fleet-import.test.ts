import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa } from '@smartstock/pki';
import { startStandInCloud, TECHNICIAN, type StandInCloud } from '../helpers/stand-in-cloud.js';
import { cli } from '../helpers/cli.js';
import { deviceIdFrom } from '../../src/devices/device-id.js';

process.env.SMARTSTOCK_DEVICE_ID_KEY = join(mkdtempSync(join(tmpdir(), 'prov-fleet-key-')), 'device-id.key');
const BACK_BAR = deviceIdFrom('rooftop', 'Back bar');
const MAIN_BAR = deviceIdFrom('rooftop', 'Main bar');

describe('fleet import', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-fleet-'));
  const caDir = join(tmp, 'pki');
  const csv = join(tmp, 'devices.csv');
  let cloud: StandInCloud;
  beforeAll(async () => {
    createCa(caDir);
    cloud = await startStandInCloud();
    writeFileSync(
      csv,
      [
        'id,venue,name',
        'bar-1,rooftop,Main bar',
        ',rooftop,Back bar',
        'bar/3,rooftop,Bad id',
        'bar-4,,No venue',
        'bar-5,cellar,Cellar',
      ].join('\n'),
    );
  });
  afterAll(() => cloud?.close());

  const run = (...extra: string[]) =>
    cli(
      'fleet',
      'import',
      csv,
      '--local',
      '--ca-dir',
      caDir,
      '--out-dir',
      join(tmp, 'bundles'),
      '--cloud-url',
      cloud.url,
      '--token',
      TECHNICIAN.token,
      ...extra,
    );

  it('creates the good rows, reports the bad ones by line and column, and exits 1', async () => {
    const r = await run('--json');
    expect(r.code).toBe(1);
    expect(r.json.summary).toEqual({ created: 3, skipped: 0, failed: 0, badRows: 2 });
    expect(r.json.devices.map((d: any) => [d.line, d.id, d.status])).toEqual([
      [2, 'bar-1', 'created'],
      [3, BACK_BAR, 'created'],
      [4, '', 'bad-row'],
      [5, '', 'bad-row'],
      [6, 'bar-5', 'created'],
    ]);
    expect(r.json.devices[2].detail).toMatch(/^column id:/);
    expect(r.json.devices[3].detail).toMatch(/^column venue:/);
    expect(existsSync(join(tmp, 'bundles', 'bar-5', 'device.key'))).toBe(true);
    expect([...cloud.devices.keys()].sort()).toEqual(['bar-1', 'bar-5', BACK_BAR].sort());
  });

  it('a re-run skips what exists and prints a summary table', async () => {
    cloud.devices.delete('bar-5'); // as if the cloud had been down for it last time
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/LINE\s+DEVICE\s+RESULT\s+DETAIL/);
    expect(r.stdout).toMatch(/0 created, 3 skipped, 0 failed, 2 bad rows\./);
    expect(r.stdout).toMatch(/bar-5\s+skipped\s+exists .*registered with the cloud/);
    expect(cloud.devices.get('bar-5')?.certFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a file with only good rows exits 0; a broken header exits 2 and creates nothing', async () => {
    const good = join(tmp, 'good.csv');
    writeFileSync(good, 'venue,name\nrooftop,Main bar\n');
    const ok = await cli('fleet', 'import', good, '--local', '--ca-dir', caDir, '--out-dir', join(tmp, 'good'), '--tar');
    expect(ok.code, ok.stdout).toBe(0);
    expect(existsSync(join(tmp, 'good', `${MAIN_BAR}.tgz`))).toBe(true);
    expect(ok.stdout).toContain('Venues not checked and devices not registered (no --cloud-url): a re-run with --cloud-url does both.');
    const broken = join(tmp, 'broken.csv');
    writeFileSync(broken, 'venue,nmae\nrooftop,Main bar\n');
    const r = await cli('fleet', 'import', broken, '--local', '--ca-dir', caDir, '--out-dir', join(tmp, 'broken'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown column\(s\) nmae/);
    expect(existsSync(join(tmp, 'broken'))).toBe(false);
  });
});
