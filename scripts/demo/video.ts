/**
 * The demo camera's footage: a generated back bar over two minutes (bottles
 * poured down, taken away, put back, someone passing in front), encoded once
 * to H.264 and cached in the data directory, with the slots a technician would
 * draw around the bottles of its first frame.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shelfVideo, type BottleTruth } from '@smartstock/models';
import { findFfmpeg, type Logger } from '@smartstock/runtime';

export interface DemoSlot {
  id: string;
  /** Normalised 0-1 polygon. */
  polygon: [number, number][];
  bottles: number;
  /** Bottle units on the slot at the start: full bottles plus the open one's fill. */
  units: number;
}

export interface DemoVideo {
  path: string;
  slots: DemoSlot[];
}

const SEED = 3; // 31 bottles of 13 kinds, 3 opaque: a busy, varied back bar
const WIDTH = 960;
const HEIGHT = 540;
const FPS = 2;
const SECONDS = 120;

export async function ensureDemoVideo(dir: string, log: Logger): Promise<DemoVideo> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'shelf.mp4');
  const meta = join(dir, 'shelf-v2.json'); // bump when DemoSlot changes
  if (existsSync(path) && existsSync(meta)) return { path, slots: JSON.parse(readFileSync(meta, 'utf8')) as DemoSlot[] };

  log.info({ seconds: SECONDS, fps: FPS }, 'rendering the demo shelf video (first start only)');
  const tmp = `${path}.partial.mp4`;
  const ffmpeg = spawn(
    findFfmpeg(),
    // every frame a keyframe: the agent decodes keyframes only, as it would on a real camera's GOP
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'image2pipe',
      '-framerate',
      String(FPS),
      '-i',
      '-',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-g',
      '1',
      '-pix_fmt',
      'yuv420p',
      tmp,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  ffmpeg.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => ffmpeg.once('exit', resolve));
  let first: BottleTruth[] | undefined;
  for await (const frame of shelfVideo({ seed: SEED, seconds: SECONDS, fps: FPS, width: WIDTH, height: HEIGHT })) {
    first ??= frame.truth.bottles;
    if (!ffmpeg.stdin.write(frame.jpeg)) await new Promise((r) => ffmpeg.stdin.once('drain', r));
  }
  ffmpeg.stdin.end();
  if ((await exited) !== 0) throw new Error(`ffmpeg could not encode the demo video: ${stderr.trim()}`);
  renameSync(tmp, path);
  const slots = slotsFromShelf(first ?? []);
  writeFileSync(meta, JSON.stringify(slots, null, 2));
  return { path, slots };
}

/**
 * Groups the bottles into shelf rows (by where they stand) and, along each
 * row, into slots of up to three neighbours of the same kind: what a
 * technician draws in the slot editor.
 */
export function slotsFromShelf(bottles: BottleTruth[]): DemoSlot[] {
  const visible = bottles.filter((b) => !b.ignore).sort((a, b) => a.box[1] + a.box[3] - (b.box[1] + b.box[3]));
  const rows: BottleTruth[][] = [];
  for (const b of visible) {
    const base = b.box[1] + b.box[3];
    const row = rows.find((r) => Math.abs(r[0]!.box[1] + r[0]!.box[3] - base) < HEIGHT * 0.06);
    if (row) row.push(b);
    else rows.push([b]);
  }
  const slots: DemoSlot[] = [];
  rows.forEach((row, r) => {
    row.sort((a, b) => a.box[0] - b.box[0]);
    let group: BottleTruth[] = [];
    const flush = () => {
      if (!group.length) return;
      const x0 = Math.min(...group.map((b) => b.box[0])) - 4;
      const y0 = Math.min(...group.map((b) => b.box[1])) - 4;
      const x1 = Math.max(...group.map((b) => b.box[0] + b.box[2])) + 4;
      const y1 = Math.max(...group.map((b) => b.box[1] + b.box[3])) + 4;
      const nx = (x: number) => Math.min(1, Math.max(0, x / WIDTH));
      const ny = (y: number) => Math.min(1, Math.max(0, y / HEIGHT));
      slots.push({
        id: `r${r + 1}-s${slots.filter((s) => s.id.startsWith(`r${r + 1}-`)).length + 1}`,
        polygon: [
          [nx(x0), ny(y0)],
          [nx(x1), ny(y0)],
          [nx(x1), ny(y1)],
          [nx(x0), ny(y1)],
        ],
        bottles: group.length,
        units: Math.round(group.reduce((u, b) => u + b.fill, 0) * 100) / 100,
      });
      group = [];
    };
    for (const b of row) {
      if (group.length && (group.length >= 3 || group[0]!.kind !== b.kind)) flush();
      group.push(b);
    }
    flush();
  });
  return slots;
}
