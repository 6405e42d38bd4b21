import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

export type LoadVision = (options: BottleVisionOptions) => Promise<BottleVision>;

/** The models package's loader, looked up at run time: the detector is an optional, heavy part of this tool. */
const loadModelsVision: LoadVision = async (options) => {
  const models = (await import('@smartstock/models')) as { loadBottleVision?: LoadVision };
  if (!models.loadBottleVision) throw new Error('this build of @smartstock/models has no detector');
  return models.loadBottleVision(options);
};

/** Detects the bottles in one frame and writes suggested slots for review; `slots apply` puts the reviewed file on the camera. */
export async function slotsSuggest(
  ctx: Ctx,
  options: SlotsSuggestOptions,
  args: string[],
  load: LoadVision = loadModelsVision,
): Promise<void> {
  const image = args[0]!;
  if (!existsSync(image)) throw usageError(`no such image ${image}`, 'save one with `camera probe --frame shelf.jpg`');
  const scoreThreshold = Number(options.minScore);
  if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) throw usageError('--min-score must be between 0 and 1');
  // before the detector's seconds of work, not after them
  const outFolder = dirname(resolve(options.out));
  if (!existsSync(outFolder))
    throw usageError(`--out ${options.out}: there is no folder ${outFolder}`, 'create the folder, or give --out a file in one that exists');
  let vision: BottleVision;
  try {
    vision = await load({ ...(options.modelDir ? { modelDir: options.modelDir } : {}), scoreThreshold });
  } catch (e) {
    throw new CliError(
      `cannot load the bottle detector: ${(e as Error).message}`,
      EXIT.failure,
      'check --model-dir, or build the models (`npm run train:vision`)',
    );
  }
  try {
    const analysis = await vision.analyze(readFileSync(image)).catch((e: unknown) => {
      // the models name the picture they were handed "image"; their own files by their paths
      if ((e as { name?: string; file?: string }).name === 'VisionError' && (e as { file?: string }).file === 'image')
        throw usageError(
          `${image} is not a picture the detector can read (${(e as Error).message})`,
          'give a JPEG or PNG frame: `camera probe --frame shelf.jpg` saves one',
        );
      throw e;
    });
    if (analysis.bottles.length === 0)
      throw new CliError(
        'no bottles found in the frame',
        EXIT.failure,
        'aim the camera at the shelves (`camera preview`) and save a sharper, well-lit frame',
      );
    const slots = suggestSlots(
      analysis.bottles.map((b) => b.box),
      analysis.width,
      analysis.height,
    );
    for (const slot of slots) slotSchema.parse({ id: slot.id, sku: slot.sku, name: slot.name, polygon: slot.polygon }); // what the cloud will accept
    const file = {
      v: 1,
      camera: options.camera,
      image: resolve(image),
      width: analysis.width,
      height: analysis.height,
      models: vision.versions,
      note: "Suggested slots: give each a sku (the item's sku in the catalogue), delete the ones you do not want, then `smartstock-provision slots apply` this file.",
      slots: slots.map(({ id, sku, name, polygon, row, bottles }) => ({ id, sku, name, polygon, row, bottles })),
    };
    writeFileSync(options.out, `${JSON.stringify(file, null, 2)}\n`);
    const rows = new Set(slots.map((slot) => slot.row)).size;
    emit(ctx, { out: resolve(options.out), bottles: analysis.bottles.length, rows, slots: file.slots }, () =>
      [
        `${analysis.bottles.length} bottles on ${rows} shelf rows → ${slots.length} slots, written to ${options.out}`,
        table(
          ['SLOT', 'BOTTLES', 'WHERE'],
          slots.map((slot) => [slot.id, String(slot.bottles), slot.name ?? '']),
        ),
        `Next: give each slot its sku in ${options.out} (delete the slots you do not want), then`,
        `  smartstock-provision slots apply ${options.out} --device <device id> --cloud-url …`,
      ].join('\n'),
    );
  } finally {
    await vision.close();
  }
}
