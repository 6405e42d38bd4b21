import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BottleVision } from '@smartstock/models';
import { slotsSuggest } from '../../src/commands/slots-suggest.js';
import { makeCtx } from '../../src/cli/output.js';
import { cli } from '../helpers/cli.js';

/** What `slots suggest` tells a technician who hands it the wrong file or folder, and what it writes for review. */
describe('slots suggest with the wrong input', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prov-slots-input-'));
  const frame = join(tmp, 'shelf.jpg');

  it('refuses an --out in a folder that does not exist, before the detector runs', async () => {
    writeFileSync(frame, Buffer.from([0xff, 0xd8, 0xff]));
    let loaded = false;
    const ctx = makeCtx({ stdout: () => undefined, stderr: () => undefined, isTty: false }, true);
    const out = join(tmp, 'no-such-folder', 'slots.json');
    const refusal = await slotsSuggest(ctx, { out, camera: 'back-bar', minScore: '0.4' }, [frame], async () => {
      loaded = true;
      throw new Error('the detector must not load');
    }).catch((e: unknown) => e as { message: string; exitCode: number; fix: string });
    expect(refusal).toMatchObject({ exitCode: 2, message: expect.stringContaining(`there is no folder ${join(tmp, 'no-such-folder')}`) });
    expect(loaded).toBe(false);
  });

  it('names a file that is no picture as a usage error (exit 2)', async () => {
    const notAPicture = join(tmp, 'agent.log');
    writeFileSync(notAPicture, 'agent started\n'.repeat(50));
    const result = await cli('slots', 'suggest', notAPicture, '--out', join(tmp, 'log-slots.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${notAPicture} is not a picture the detector can read`);
    expect(result.stderr).toMatch(/fix: give a JPEG or PNG frame/);
    expect(existsSync(join(tmp, 'log-slots.json'))).toBe(false);
  }, 60_000);

  it('tells the reviewer in plain words what to do with the file', async () => {
    const vision: BottleVision = {
      versions: { detector: 'test' },
      analyze: async () => ({ width: 100, height: 100, bottles: [{ box: { x: 10, y: 10, w: 10, h: 30 } }] }) as never,
      close: async () => undefined,
    };
    const out = join(tmp, 'slots.json');
    const ctx = makeCtx({ stdout: () => undefined, stderr: () => undefined, isTty: false }, true);
    await slotsSuggest(ctx, { out, camera: 'back-bar', minScore: '0.4' }, [frame], async () => vision);
    const written = JSON.parse(readFileSync(out, 'utf8')) as { note: string };
    expect(written.note).toBe(
      "Suggested slots: give each a sku (the item's sku in the catalogue), delete the ones you do not want, then `smartstock-provision slots apply` this file.",
    );
  });
});
