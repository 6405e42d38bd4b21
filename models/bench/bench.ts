/**
 * npm run bench -w models: vision latency figures (median of 30 frames after 3 warm-ups), printed
 * and written to bench-results/models.json for the repository-wide `npm run bench` table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { DEFAULT_MODEL_DIR, fillFolderFor } from '../src/index.js';
import { frameLatency, latencyTable, measureLatency } from './latency.js';

const dir = process.argv[2];
const rows = [await measureLatency(1, 30, dir), await measureLatency(2, 30, dir)];
console.log('## models: per-frame latency (720p JPEG in, detections with fill out)\n');
console.log(latencyTable(rows));
// the lying pass (src/vision/turn.ts) sees the frame four times more, turned: what vision.lying costs a camera
const modelDir = dir ?? DEFAULT_MODEL_DIR;
const [upright, lying] = [
  await frameLatency(modelDir, fillFolderFor(modelDir), 15, 1, undefined, false),
  await frameLatency(modelDir, fillFolderFor(modelDir), 15, 1, undefined, true),
];
console.log(
  `\nlying pass: 720p frame ${upright.toFixed(1)} ms upright only, ${lying.toFixed(1)} ms with the frame also turned 90/270/45/315° (${(lying / upright).toFixed(1)}x), 1 thread, median of 15`,
);

const command = 'npm run bench -w models';
const out = new URL('../../bench-results/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL('models.json', out),
  JSON.stringify(
    {
      rows: [
        ...rows.flatMap((r) => [
          {
            figure: `vision frame (720p JPEG → bottles + fills), ${r.threads} thread(s)`,
            value: Number(r.frameMs.toFixed(1)),
            unit: 'ms',
            target: r.threads === 1 ? '≤ 30' : undefined,
            command,
          },
          {
            figure: `vision bare onnxruntime (detector + fill batch), ${r.threads} thread(s)`,
            value: Number(r.bareMs.toFixed(1)),
            unit: 'ms',
            command,
          },
          {
            figure: `vision bare / frame, ${r.threads} thread(s)`,
            value: Number((r.bareMs / r.frameMs).toFixed(2)),
            target: '≥ 0.8',
            command,
          },
        ]),
        { figure: 'vision frame with the lying pass (vision.lying), 1 thread', value: Number(lying.toFixed(1)), unit: 'ms', command },
      ],
    },
    null,
    2,
  ),
);
