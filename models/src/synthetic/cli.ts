/**
 * Generator command line.
 *   tsx src/synthetic/cli.ts dataset --out DIR --split normal|hard --first-seed N --count N [--width W --height H]
 *   tsx src/synthetic/cli.ts video --out DIR --seed N --seconds S --fps F [--width W --height H]
 * A video's frames become an RTSP/MP4 stream with: ffmpeg -framerate F -i DIR/frame_%05d.jpg ...
 */
import { parseArgs } from 'node:util';
import { writeCocoDataset } from './dataset.js';
import type { Split } from './scene.js';
import { renderShelfVideoFrames } from './video.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    split: { type: 'string', default: 'normal' },
    'first-seed': { type: 'string', default: '0' },
    count: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '10' },
    fps: { type: 'string', default: '5' },
    width: { type: 'string' },
    height: { type: 'string' },
  },
});
const out = values.out;
if (!out) throw new Error('--out is required');
const width = values.width ? Number(values.width) : undefined;
const height = values.height ? Number(values.height) : undefined;
if (positionals[0] === 'dataset') {
  await writeCocoDataset({
    outDir: out,
    split: values.split as Split,
    firstSeed: Number(values['first-seed']),
    count: Number(values.count),
    width,
    height,
  });
} else if (positionals[0] === 'video') {
  const n = await renderShelfVideoFrames({
    outDir: out,
    seed: Number(values.seed),
    seconds: Number(values.seconds),
    fps: Number(values.fps),
    width,
    height,
  });
  console.log(`${n} frames in ${out}`);
} else {
  throw new Error('usage: cli.ts dataset|video --out DIR ...');
}
