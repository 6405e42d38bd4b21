/** Scene → JPEG bytes plus exact per-bottle truth (box, kind, fill, whether the fill can be seen). */
import sharp from 'sharp';
import { bottleGeometry, drawBottle, drawProp, drawShelf, drawWall, glassOpacity, labelBand, liquidOpacity, liquidTopY } from './draw.js';
import { Rng } from './rng.js';
import type { Scene, SceneBottle } from './scene.js';

export interface BottleTruth {
  /** Stable bottle id within the scene (and across a video's frames). */
  id: number;
  /** [x, y, w, h] in image pixels, clipped to the image. */
  box: [number, number, number, number];
  kind: string;
  glass: string;
  fill: number;
  /** Glass one can see into and a liquid line not hidden by what stands in front of the bottle. */
  fillObservable: boolean;
  /**
   * The liquid line is behind the bottle's own label: one sees liquid below the label and none above
   * it, so the fill is known only to within the label's band. Evaluation scores these apart.
   */
  levelBehindLabel: boolean;
  /** Draw order: a bottle of a higher layer stands in front of one of a lower layer where they overlap. */
  layer: number;
  /** Share of the bottle neither hidden by something in front nor outside the frame. */
  visible: number;
  /** Too hidden or cut off to demand a detection: neither a miss nor a false alarm in evaluation. */
  ignore: boolean;
}

export interface RenderedScene {
  jpeg: Buffer;
  width: number;
  height: number;
  bottles: BottleTruth[];
}

type Rect = [number, number, number, number];

/** Something drawn over what is behind it: a rectangle and how opaque it is there (1 hides it). */
interface Cover {
  rect: Rect;
  opacity: number;
}

interface Drawable {
  layer: number;
  svg: string;
  covers: Cover[];
  bottle?: SceneBottle;
}

/**
 * A point is seen when at least this share of its light gets through what lies in front of it.
 * Clear glass (0.22) or a clear spirit in it leaves a bottle behind it seen; a paper label, a dark
 * liquid (whisky 0.85) or amber glass with liquid in it (0.5 then 0.85) hides it, as it would from
 * anyone labelling the photo. Without this, bottles behind a label were labelled as seen and
 * counted as misses, and liquid lines behind a label as readable.
 */
const SEE_THROUGH = 0.35;

function bottleRects(b: SceneBottle): Rect[] {
  const { bodyTop, top } = bottleGeometry(b);
  const nw = b.w * b.kind.neckWidth;
  return [
    [b.cx - b.w / 2, bodyTop, b.w, b.baseY - bodyTop],
    [b.cx - nw / 2, top, nw, bodyTop - top],
  ];
}

function bottleCovers(b: SceneBottle): Cover[] {
  const dark = b.kind.glass === 'opaque' || b.kind.glass === 'green';
  const covers = bottleRects(b).map((rect) => ({ rect, opacity: dark ? 1 : glassOpacity(b) }));
  if (dark) return covers;
  const x0 = b.cx - b.w / 2;
  const ly = liquidTopY(b);
  if (b.fill > 0.005) covers.push({ rect: [x0, ly, b.w, b.baseY - ly], opacity: liquidOpacity(b) });
  const label = labelBand(b);
  if (label) covers.push({ rect: [x0, label[0], b.w, label[1]], opacity: 1 });
  return covers;
}

const inside = (r: Rect, x: number, y: number): boolean => x >= r[0] && x <= r[0] + r[2] && y >= r[1] && y <= r[1] + r[3];

export function sceneSvg(s: Scene): { svg: string; drawables: Drawable[] } {
  const drawables: Drawable[] = [];
  s.shelves.forEach((shelf, i) => drawables.push({ layer: i * 2 - 0.5, svg: drawShelf(s, shelf), covers: [] }));
  for (const b of s.bottles) {
    if (b.present)
      drawables.push({
        layer: b.row,
        svg: drawBottle(b),
        covers: bottleCovers(b),
        bottle: b,
      });
  }
  for (const p of s.props)
    drawables.push({ layer: p.layer + 0.1, svg: drawProp(p), covers: p.opaque ? [{ rect: [p.x, p.y, p.w, p.h], opacity: 1 }] : [] });
  drawables.sort((a, b) => a.layer - b.layer);
  const { width: W, height: H, light, camera } = s;
  const rng = new Rng(s.seed ^ 0x5151);
  let overlay = '';
  if (light.warmth > 0) overlay += `<rect width="${W}" height="${H}" fill="rgb(255,150,50)" opacity="${light.warmth.toFixed(2)}"/>`;
  if (light.glare > 0) {
    const n = 1 + Math.floor(light.glare * 3);
    for (let i = 0; i < n; i++) {
      const r = H * rng.range(0.05, 0.3);
      overlay += `<defs><radialGradient id="glare${i}"><stop offset="0" stop-color="white" stop-opacity="${(light.glare * 0.9).toFixed(2)}"/><stop offset="1" stop-color="white" stop-opacity="0"/></radialGradient></defs>`;
      overlay += `<ellipse cx="${rng.range(0, W).toFixed(0)}" cy="${rng.range(0, H).toFixed(0)}" rx="${(r * rng.range(0.5, 2)).toFixed(0)}" ry="${r.toFixed(0)}" fill="url(#glare${i})"/>`;
    }
  }
  if (light.vignette > 0)
    overlay += `<defs><radialGradient id="vig" r="0.75"><stop offset="0.5" stop-color="black" stop-opacity="0"/><stop offset="1" stop-color="black" stop-opacity="${light.vignette.toFixed(2)}"/></radialGradient></defs><rect width="${W}" height="${H}" fill="url(#vig)"/>`;
  if (camera.timestamp) {
    const fs = Math.max(10, H * 0.035);
    overlay += `<text x="${fs * 0.5}" y="${fs * 1.3}" font-family="monospace" font-size="${fs.toFixed(0)}" fill="white" stroke="black" stroke-width="0.6">2026-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(10, 28))} ${String(rng.int(10, 23))}:${String(rng.int(10, 59))}:${String(rng.int(10, 59))} CAM${rng.int(1, 4)}</text>`;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${drawWall(s)}${drawables.map((d) => d.svg).join('')}${overlay}</svg>`;
  return { svg, drawables };
}

export function sceneTruth(s: Scene, drawables: Drawable[]): BottleTruth[] {
  const out: BottleTruth[] = [];
  const { width: W, height: H } = s;
  drawables.forEach((d, i) => {
    const b = d.bottle;
    if (!b) return;
    const later = drawables.slice(i + 1).flatMap((x) => x.covers);
    const visibleAt = (x: number, y: number): boolean => {
      if (x < 0 || x >= W || y < 0 || y >= H) return false;
      let light = 1;
      for (const c of later) if (inside(c.rect, x, y)) light *= 1 - c.opacity;
      return light >= SEE_THROUGH;
    };
    let seen = 0;
    let total = 0;
    for (const r of bottleRects(b)) {
      for (let gy = 0; gy < 10; gy++)
        for (let gx = 0; gx < 5; gx++) {
          total++;
          if (visibleAt(r[0] + ((gx + 0.5) / 5) * r[2], r[1] + ((gy + 0.5) / 10) * r[3])) seen++;
        }
    }
    const visible = seen / total;
    const ly = liquidTopY(b);
    const band = labelBand(b);
    let lineSeen = 0;
    for (let k = 0; k < 7; k++) if (visibleAt(b.cx - b.w / 2 + ((k + 0.5) / 7) * b.w, ly)) lineSeen++;
    const x0 = Math.max(0, b.cx - b.w / 2);
    const y0 = Math.max(0, b.baseY - b.h);
    const x1 = Math.min(W, b.cx + b.w / 2);
    const y1 = Math.min(H, b.baseY);
    if (x1 - x0 < 2 || y1 - y0 < 2) return;
    const r2 = (n: number): number => Math.round(n * 100) / 100;
    out.push({
      id: b.id,
      box: [r2(x0), r2(y0), r2(x1 - x0), r2(y1 - y0)],
      kind: b.kind.name,
      glass: b.kind.glass,
      fill: Math.round(b.fill * 1000) / 1000,
      fillObservable: b.kind.glass !== 'opaque' && lineSeen >= 4,
      levelBehindLabel: b.kind.glass !== 'opaque' && !!band && ly >= band[0] && ly <= band[0] + band[1],
      layer: b.row,
      visible: r2(visible),
      ignore: visible < 0.3 || (x1 - x0) * (y1 - y0) < 60,
    });
  });
  return out.sort((a, b) => a.id - b.id);
}

export async function renderScene(s: Scene): Promise<RenderedScene> {
  const { svg, drawables } = sceneSvg(s);
  const { width: W, height: H, camera, light } = s;
  let img = sharp(Buffer.from(svg)).removeAlpha();
  if (Math.abs(light.brightness - 1) > 0.01) img = img.modulate({ brightness: light.brightness });
  if (camera.blur >= 0.3) img = img.blur(camera.blur);
  if (camera.motion >= 3) {
    const k = camera.motion | 1;
    const kernel = new Array<number>(k * 3).fill(0);
    for (let i = 0; i < k; i++) kernel[k + i] = 1;
    img = img.convolve({ width: k, height: 3, kernel });
  }
  let raw = await img.raw().toBuffer();
  if (camera.noise > 0) {
    const rng = new Rng(s.seed ^ 0xa11ce);
    const amp = camera.noise;
    raw = Buffer.from(raw);
    for (let i = 0; i < raw.length; i++) raw[i] = Math.max(0, Math.min(255, raw[i]! + (rng.next() + rng.next() - 1) * amp));
  }
  const jpeg = await sharp(raw, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: camera.quality, chromaSubsampling: '4:2:0' })
    .toBuffer();
  return { jpeg, width: W, height: H, bottles: sceneTruth(s, drawables) };
}
