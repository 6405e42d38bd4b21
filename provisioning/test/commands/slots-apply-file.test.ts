import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

/**
 * `slots apply` refuses a file it cannot upload before it asks the cloud anything: the cloud URL
 * given here answers nothing, so any of these reaching it would say "cannot reach the cloud".
 * (Against the real cloud: e2e/test/slots-apply.test.ts.)
 */
describe('slots apply with a file it cannot upload', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-slots-file-'));
  const nowhere = ['--cloud-url', 'http://127.0.0.1:1', '--token', 'tok', '--device', 'main-bar'];
  const square = [
    [0, 0],
    [0.5, 0],
    [0.5, 0.5],
    [0, 0.5],
  ];
  const apply = (name: string, content: string, ...extra: string[]) => {
    const path = join(tmp, name);
    writeFileSync(path, content);
    return cli('slots', 'apply', path, ...nowhere, ...extra);
  };

  it('names a missing file, a folder and a file that is not JSON (exit 2)', async () => {
    const missing = await cli('slots', 'apply', join(tmp, 'nope.json'), ...nowhere);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no such file ${join(tmp, 'nope.json')}`);
    const folder = await cli('slots', 'apply', tmp, ...nowhere);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('is a folder, not a slots file');
    const notJson = await apply('frame.jpg', '\xff\xd8\xff');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/frame\.jpg is not a slots file: it is not valid JSON/);
    const noSlots = await apply('agent.json', '{"deviceId":"x"}');
    expect(noSlots.stderr).toContain('it has no "slots" list');
  });

  it('names each slot that is wrong, by its id', async () => {
    const r = await apply(
      'bad.json',
      JSON.stringify({
        camera: 'back-bar',
        slots: [
          { id: 'r1-s01', sku: 'TITOS-750', polygon: square },
          { id: 'r1-s02', sku: 'JAMESON-750', polygon: [[0, 0]] },
          { id: 'r1-s01', sku: 'TITOS-750', polygon: square },
          { id: 'r1 s04', sku: 'TITOS-750', polygon: square },
        ],
      }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('slot r1-s02: polygon');
    expect(r.stderr).toContain('slot r1-s01: the id appears twice');
    expect(r.stderr).toContain('slot r1 s04: id expected 1-64 of [a-zA-Z0-9_.-]');
    expect(r.stderr).not.toContain('cannot reach');
  });

  it('asks for the camera when the file does not name it, and for the cloud when none is given', async () => {
    const file = JSON.stringify({ slots: [{ id: 'a', sku: 'X', polygon: square }] });
    const noCamera = await apply('no-camera.json', file);
    expect(noCamera.code).toBe(2);
    expect(noCamera.stderr).toMatch(/does not name its camera\n {2}fix: give --camera/);
    const path = join(tmp, 'no-camera.json');
    const noCloud = await cli('slots', 'apply', path, '--device', 'main-bar', '--camera', 'back-bar');
    expect(noCloud.code).toBe(2);
    expect(noCloud.stderr).toContain('give --cloud-url');
  });
});
