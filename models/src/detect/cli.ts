// npm run detect -- <image folder> --out preds.json [--model-dir DIR] [--fill-dir DIR] [--threshold P]
//   [--coco annotations.json] [--threads N] [--tiles auto|COLSxROWS|none] [--lying on|off]
//   [--exif auto|apply|ignore]   (see detect.ts)
import { parseArgs } from 'node:util';
import { VisionError } from '../types.js';
import { detectFolder, DetectUsageError, parseLying, parseTiles } from './detect.js';

const USAGE =
  'usage: npm run detect -- <image folder> --out preds.json [--model-dir DIR] [--fill-dir DIR] [--threshold P] [--coco annotations.json] [--threads N] [--tiles auto|COLSxROWS|none] [--lying on|off] [--exif auto|apply|ignore]';

function number(flag: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new DetectUsageError(`--${flag} must be a number in [${min}, ${max}], got "${v}"`);
  return n;
}

try {
  const { values: a, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'preds.json' },
      'model-dir': { type: 'string' },
      'fill-dir': { type: 'string' },
      threshold: { type: 'string' },
      coco: { type: 'string' },
      threads: { type: 'string' },
      tiles: { type: 'string' },
      lying: { type: 'string' },
      exif: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new DetectUsageError(USAGE);
  if (a.exif !== undefined && !['auto', 'apply', 'ignore'].includes(a.exif))
    throw new DetectUsageError(
      `--exif must be auto, apply (labels as a viewer shows the photo) or ignore (labels in the stored pixels), got "${a.exif}"`,
    );
  const r = await detectFolder(
    {
      folder: positionals[0]!,
      out: a.out!,
      modelDir: a['model-dir'],
      fillDir: a['fill-dir'],
      threshold: number('threshold', a.threshold, 0, 1),
      coco: a.coco,
      threads: number('threads', a.threads, 1, 64),
      tiles: parseTiles(a.tiles),
      lying: parseLying(a.lying),
      exif: a.exif as 'auto' | 'apply' | 'ignore' | undefined,
    },
    (line) => console.error(line),
  );
  console.log(
    `${r.results.length} bottles in ${r.images} images${r.tiled ? ` (${r.tiled} also seen in tiles)` : ''} → ${a.out}${r.skipped.length ? ` (${r.skipped.length} skipped: ${r.skipped.map((s) => s.file).join(', ')})` : ''}`,
  );
  if (r.score) {
    const s = r.score;
    const f = (v: number): string => (Number.isNaN(v) ? 'n/a' : v.toFixed(3));
    console.log(`scored on ${s.images} labelled images, ${s.bottles} bottles (IoU 0.5 unless said):`);
    console.log(`  AP50 ${f(s.ap50)}  AP50:95 ${f(s.ap5095)}`);
    console.log(`  at the operating point (score ≥ ${s.threshold}): precision ${f(s.precision)}  recall ${f(s.recall)}`);
    if (s.withUnread)
      console.log(
        `  counting the ${s.withUnread.images} labelled image(s) not analysed (${s.withUnread.bottles} bottles) as missed, as pycocotools does: AP50 ${f(s.withUnread.ap50)}  recall ${f(s.withUnread.recall)}`,
      );
  }
} catch (e) {
  const usage = e instanceof DetectUsageError || e instanceof VisionError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`detect: ${(e as Error).message}`);
  process.exitCode = usage ? 2 : 1;
}
