/**
 * A high-resolution shelf camera's frame, made of generated back bars side by side: each bottle
 * keeps the pixels it had in its 640x360 scene, so in a 3x3 frame (1920x1080) it is a third of the
 * frame's size it had in its own, as the far bottles of a wide camera are. Tiled detection is measured on these.
 */
import sharp from 'sharp';
import { renderScene, type BottleTruth, type RenderedScene } from './render.js';
import { makeScene, type Split } from './scene.js';

export async function renderWideScene(opts: { firstSeed: number; cols: number; rows: number; split?: Split }): Promise<RenderedScene> {
  const [w, h] = [640, 360];
  const parts: { input: Buffer; left: number; top: number }[] = [];
  const bottles: BottleTruth[] = [];
  for (let i = 0; i < opts.cols * opts.rows; i++) {
    const s = makeScene({ seed: opts.firstSeed + i, split: opts.split ?? 'normal', width: w, height: h });
    // people and hands would be cut at the seams into shapes no camera sees
    s.props = s.props.filter((p) => p.kind !== 'person' && p.kind !== 'hand');
    const r = await renderScene(s);
    const [left, top] = [(i % opts.cols) * w, Math.floor(i / opts.cols) * h];
    parts.push({ input: r.jpeg, left, top });
    for (const b of r.bottles) bottles.push({ ...b, box: [b.box[0] + left, b.box[1] + top, b.box[2], b.box[3]] });
  }
  const [width, height] = [w * opts.cols, h * opts.rows];
  const jpeg = await sharp({ create: { width, height, channels: 3, background: '#000' } })
    .composite(parts)
    .jpeg({ quality: 90 })
    .toBuffer();
  return { jpeg, width, height, bottles };
}
