import { readFile, writeFile } from 'node:fs/promises';
import { makeScene, renderScene } from '../src/index.js';

/**
 * `count` rendered scenes each of validation seeds 500,000+ (normal) and 600,000+ (hard), which
 * neither training nor eval:vision uses, so a setting picked on them is not fitted to either.
 */
export async function* validationScenes(count: number): AsyncGenerator<Awaited<ReturnType<typeof renderScene>>> {
  for (const [split, first] of [
    ['normal', 500_000],
    ['hard', 600_000],
  ] as const) {
    for (let i = 0; i < count; i++) yield await renderScene(makeScene({ seed: first + i, split, width: 640, height: 360 }));
  }
}

/** Sets fields of an exported model's JSON (detector.json, fill.json), keeping the rest. */
export async function updateModelMeta(file: string, fields: Record<string, unknown>): Promise<void> {
  const meta = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...meta, ...fields }, null, 2) + '\n');
}
