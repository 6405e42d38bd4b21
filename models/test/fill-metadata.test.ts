import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFillMetadata } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fill-meta-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = async (name: string, extra: Record<string, unknown>): Promise<string> => {
  const f = join(dir, name);
  await writeFile(
    f,
    JSON.stringify({ task: 'fill', name: 'f', version: '1', file: 'fill.onnx', input: { width: 40, height: 96 }, ...extra }),
  );
  return f;
};

describe('fill metadata: sigmaScale (the calibration of fillSigma)', () => {
  it('defaults to 1 and reads a calibrated factor', async () => {
    expect((await readFillMetadata(await write('none.json', {}))).sigmaScale).toBe(1);
    expect((await readFillMetadata(await write('cal.json', { sigmaScale: 0.8 }))).sigmaScale).toBe(0.8);
  });

  it('refuses a factor that is not a positive number, naming the file', async () => {
    const bad = await write('bad.json', { sigmaScale: 'wide' });
    await expect(readFillMetadata(bad)).rejects.toThrow(/bad\.json: sigmaScale must be a number in \[0\.05, 20\], got "wide"/);
  });
});
