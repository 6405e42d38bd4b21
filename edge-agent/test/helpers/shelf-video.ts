import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shelfVideo, type VideoFrameTruth } from '@smartstock/models';
import { videoFromFrames } from './rtsp.js';

/**
 * A synthetic back-bar clip from the Vision library's generator, with its truth.
 * `still` repeats the first frame, so the truth of every frame is that frame's.
 */
export async function makeShelfVideo(o: { seed: number; frames: number; fps: number; width?: number; height?: number; still?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'ss-shelf-'));
  const truth: VideoFrameTruth[] = [];
  let first: Buffer | null = null;
  let i = 0;
  const gen = shelfVideo({ seed: o.seed, seconds: o.frames / o.fps, fps: o.fps, width: o.width ?? 640, height: o.height ?? 360 });
  for await (const f of gen) {
    first ??= f.jpeg;
    writeFileSync(join(dir, `frame_${String(i).padStart(5, '0')}.jpg`), o.still ? first : f.jpeg);
    truth.push(o.still ? (truth[0] ?? f.truth) : f.truth);
    i += 1;
    if (o.still && i >= o.frames) break;
  }
  const video = videoFromFrames(join(dir, 'frame_%05d.jpg'), o.fps, join(dir, 'shelf.mp4'));
  return { video, truth, firstJpeg: first!, width: o.width ?? 640, height: o.height ?? 360 };
}
