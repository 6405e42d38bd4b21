import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVICE_ID_PATTERN } from '@smartstock/protocol';
import { deviceIdFrom } from '../../src/devices/device-id.js';

/** Issue 24, finding 2: a default device id cannot be guessed by another organisation, yet a re-run finds it. */
describe('default device ids', () => {
  const key = () => join(mkdtempSync(join(tmpdir(), 'device-id-')), 'sub', 'device-id.key');

  it('is the name and 12 characters another machine cannot derive', () => {
    const mine = key();
    const id = deviceIdFrom('rooftop', 'Main bar', mine);
    expect(id).toMatch(/^main-bar-[a-z2-7]{12}$/);
    expect(id).toMatch(DEVICE_ID_PATTERN);
    expect(id).not.toContain('rooftop');
    expect(deviceIdFrom('rooftop', 'Main bar', key())).not.toBe(id);
    expect(statSync(mine).mode & 0o777).toBe(0o600);
  });

  it('is the same for the same venue and name on the same machine, and differs otherwise', () => {
    const mine = key();
    expect(deviceIdFrom('rooftop', 'Main bar', mine)).toBe(deviceIdFrom('rooftop', 'Main bar', mine));
    expect(deviceIdFrom('cellar', 'Main bar', mine)).not.toBe(deviceIdFrom('rooftop', 'Main bar', mine));
    expect(deviceIdFrom('rooftop', '!!!', mine)).toMatch(/^edge-[a-z2-7]{12}$/);
  });
});
