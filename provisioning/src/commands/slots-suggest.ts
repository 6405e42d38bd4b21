import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { slotSchema } from '@smartstock/protocol';
import type { BottleVision, BottleVisionOptions } from '@smartstock/models';
import { CliError, EXIT, emit, table, usageError, type Ctx } from '../cli/output.js';
import { suggestSlots } from '../slots/group.js';

export interface SlotsSuggestOptions {
  out: string;
  camera: string;
  modelDir?: string;
  minScore: string;
}

export type LoadVision = (o: BottleVisionOptions) => Promise<BottleVision>;

/** The models package's loader, looked up at run time: the detector is an optional, heavy part of this tool. */
const loadModelsVision: LoadVision = async (o) => {
  const models = (await import('@smartstock/models')) as { loadBottleVision?: LoadVision };
  if (!models.loadBottleVision) throw new Error('this build of @smartstock/models has no detector');
  return models.loadBottleVision(o);
};

/** Detects the bottles in one frame and writes suggested slots for review, then upload with the camera. */
export async function slotsSuggest(ctx: Ctx, o: SlotsSuggestOptions, args: string[], load: LoadVision = loadModelsVision): Promise<void> {
  const image = args[0]!;
  if (!existsSync(image)) throw usageError(`no such image ${image}`, 'save one with `camera probe --frame shelf.jpg`');
  const scoreThreshold = Number(o.minScore);
  if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) throw usageError('--min-score must be between 0 and 1');
  let vision: BottleVision;
  try {
    vision = await load({ ...(o.modelDir ? { modelDir: o.modelDir } : {}), scoreThreshold });
  } catch (e) {
    throw new CliError(
      `cannot load the bottle detector: ${(e as Error).message}`,
      EXIT.failure,
      'check --model-dir, or build the models (`npm run train:vision`)',
    );
  }
  try {
    const a = await vision.analyze(readFileSync(image));
    if (a.bottles.length === 0)
      throw new CliError(
        'no bottles found in the frame',
        EXIT.failure,
        'aim the camera at the shelves (`camera preview`) and save a sharper, well-lit frame',
      );
    const slots = suggestSlots(
      a.bottles.map((b) => b.box),
      a.width,
      a.height,
    );
    for (const s of slots) slotSchema.parse({ id: s.id, sku: s.sku, name: s.name, polygon: s.polygon }); // what the cloud will accept
    const file = {
      v: 1,
      camera: o.camera,
      image: resolve(image),
      width: a.width,
      height: a.height,
      models: vision.versions,
      note: 'Suggested slots: give each a sku, delete the ones you do not want, then upload with the camera.',
      slots: slots.map(({ id, sku, name, polygon, row, bottles }) => ({ id, sku, name, polygon, row, bottles })),
    };
    writeFileSync(o.out, `${JSON.stringify(file, null, 2)}\n`);
    const rows = new Set(slots.map((s) => s.row)).size;
    emit(ctx, { out: resolve(o.out), bottles: a.bottles.length, rows, slots: file.slots }, () =>
      [
        `${a.bottles.length} bottles on ${rows} shelf rows → ${slots.length} slots, written to ${o.out}`,
        table(
          ['SLOT', 'BOTTLES', 'WHERE'],
          slots.map((s) => [s.id, String(s.bottles), s.name ?? '']),
        ),
        'Next: fill in each slot’s sku, then upload it with the camera.',
      ].join('\n'),
    );
  } finally {
    await vision.close();
  }
}
