/**
 * Scene layout: what stands where on a back bar, as plain data. Rendering (draw.ts,
 * render.ts) turns it into pixels; the video (video.ts) changes fills and presence over time.
 */
import { BOTTLE_KINDS, type BottleKind } from './kinds.js';
import { Rng } from './rng.js';

export type Split = 'normal' | 'hard';

export interface SceneBottle {
  id: number;
  kind: BottleKind;
  /** Centre x and base (bottom) y, in output pixels. */
  cx: number;
  baseY: number;
  w: number;
  h: number;
  fill: number;
  liquid: readonly [number, number, number, number];
  labelHue: number;
  labelText: string;
  capHue: number;
  present: boolean;
  /** Draw depth: 0 back row, 1 front row. */
  row: number;
}

export type PropKind = 'can' | 'glass' | 'shaker' | 'jigger' | 'bucket' | 'box' | 'plant' | 'tap' | 'leg' | 'person' | 'hand';

export interface SceneProp {
  kind: PropKind;
  x: number;
  y: number;
  w: number;
  h: number;
  hue: number;
  /** Draw order key: props on a shelf mix with its bottles; foreground ones come last. */
  layer: number;
  /** Does it hide what is behind it (for occlusion labels)? */
  opaque: boolean;
}

export interface Shelf {
  y: number;
  thickness: number;
  hue: number;
  light: number;
}

export interface Scene {
  seed: number;
  split: Split;
  width: number;
  height: number;
  wall: { style: 'plain' | 'brick' | 'wood' | 'tiles' | 'mirror' | 'backlit'; hue: number; light: number };
  view: 'above' | 'level' | 'below';
  shelves: Shelf[];
  bottles: SceneBottle[];
  props: SceneProp[];
  light: { warmth: number; brightness: number; glare: number; vignette: number };
  camera: { blur: number; motion: number; noise: number; quality: number; timestamp: boolean };
}

export interface SceneOptions {
  seed: number;
  split?: Split;
  width?: number;
  height?: number;
}

const LETTERS = 'ABCDEFGHIJKLMNOPRSTUVWXYZ';

function brand(rng: Rng): string {
  let s = '';
  const n = rng.int(3, 8);
  for (let i = 0; i < n; i++) s += rng.pick(LETTERS.split(''));
  return s;
}

export function makeScene(opts: SceneOptions): Scene {
  const rng = new Rng(opts.seed);
  const split = opts.split ?? 'normal';
  const hard = split === 'hard';
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const closeUp = rng.chance(0.15);
  const nShelves = closeUp ? 1 : rng.int(1, 4);
  const wallStyles = ['plain', 'brick', 'wood', 'tiles', 'mirror', 'backlit'] as const;
  const wall = { style: rng.pick(wallStyles), hue: rng.range(0, 360), light: rng.range(12, 70) };
  const view = rng.pick(['above', 'level', 'below'] as const);

  const spacing = closeUp ? height * rng.range(0.7, 1.05) : (height * rng.range(0.85, 1.2)) / nShelves;
  const top = closeUp ? height * rng.range(0.8, 1.1) : spacing * rng.range(0.75, 1.0);
  const shelves: Shelf[] = [];
  const bottles: SceneBottle[] = [];
  const props: SceneProp[] = [];
  const shelfHue = rng.range(15, 45);
  const glassKinds = hard ? BOTTLE_KINDS : BOTTLE_KINDS.filter((k) => k.glass !== 'opaque' || rng.chance(0.3));
  let id = 0;
  const maxBottles = rng.int(3, 30);

  for (let s = 0; s < nShelves; s++) {
    const y = top + s * spacing;
    const perShelf = Math.ceil((maxBottles * (hard ? 1.4 : 1)) / nShelves);
    shelves.push({ y, thickness: Math.max(3, spacing * rng.range(0.03, 0.08)), hue: shelfHue, light: rng.range(15, 60) });
    const maxH = Math.min(spacing * rng.range(0.55, 0.95), height * 1.1);
    const rows = hard || rng.chance(0.4) ? 2 : 1;
    for (let row = 0; row < rows; row++) {
      const rowScale = row === 0 && rows === 2 ? rng.range(0.82, 0.95) : 1;
      const rowBase = row === 0 && rows === 2 ? y - spacing * 0.04 : y;
      let x = rng.range(-0.05, 0.08) * width;
      let onShelf = 0;
      while (x < width * 1.02 && onShelf < Math.max(2, perShelf * (rows === 2 ? 0.6 : 1))) {
        const kind = rng.pick(glassKinds);
        const h = maxH * rowScale * rng.range(0.62, 1.0) * (kind.shape === 'squat' ? 0.8 : 1);
        const w = h / kind.aspect;
        if (rng.chance(0.14)) {
          const pk = rng.pick(['can', 'glass', 'glass', 'shaker', 'jigger', 'bucket', 'box', 'plant'] as const);
          const ph = h * (pk === 'can' ? 0.42 : pk === 'glass' ? rng.range(0.25, 0.5) : pk === 'box' ? 0.7 : rng.range(0.3, 0.6));
          const pw = pk === 'bucket' || pk === 'box' ? ph * rng.range(0.9, 1.4) : ph * rng.range(0.45, 0.7);
          props.push({ kind: pk, x: x, y: rowBase - ph, w: pw, h: ph, hue: rng.range(0, 360), layer: s * 2 + row, opaque: pk !== 'glass' });
          x += pw + rng.range(0.02, 0.3) * w;
          continue;
        }
        const fillRoll = rng.next();
        const fill = fillRoll < 0.15 ? 1 : fillRoll < 0.22 ? rng.range(0, 0.06) : rng.range(0.03, 1);
        const gap = hard ? rng.range(-0.35, 0.4) : rng.range(0.05, 0.9);
        onShelf++;
        bottles.push({
          id: id++,
          kind,
          cx: x + w / 2,
          baseY: rowBase,
          w,
          h,
          fill,
          liquid: rng.pick(kind.liquids),
          labelHue: rng.range(0, 360),
          labelText: brand(rng),
          capHue: rng.range(0, 360),
          present: true,
          row: s * 2 + row,
        });
        x += w * (1 + gap) + (rows === 2 && row === 0 ? w * rng.range(0, 0.6) : 0);
      }
    }
  }

  // Foreground: taps and stool legs low in the frame, people and hands passing.
  if (rng.chance(0.25)) {
    const n = rng.int(2, 6);
    const tx = rng.range(0, width * 0.6);
    for (let i = 0; i < n; i++) {
      const th = height * rng.range(0.12, 0.25);
      props.push({
        kind: 'tap',
        x: tx + i * th * 0.5,
        y: height - th * rng.range(0.6, 1),
        w: th * 0.18,
        h: th,
        hue: rng.range(0, 360),
        layer: 100,
        opaque: true,
      });
    }
  }
  if (rng.chance(0.2)) {
    const n = rng.int(1, 4);
    for (let i = 0; i < n; i++) {
      const lh = height * rng.range(0.2, 0.5);
      props.push({
        kind: 'leg',
        x: rng.range(0, width),
        y: height - lh,
        w: lh * rng.range(0.04, 0.09),
        h: lh * 1.1,
        hue: rng.range(0, 360),
        layer: 101,
        opaque: true,
      });
    }
  }
  if (rng.chance(hard ? 0.35 : 0.12)) {
    const ph = height * rng.range(0.7, 1.3);
    props.push({
      kind: 'person',
      x: rng.range(-0.2, 0.9) * width,
      y: height - ph * rng.range(0.6, 0.95),
      w: ph * rng.range(0.35, 0.55),
      h: ph,
      hue: rng.range(0, 360),
      layer: 102,
      opaque: true,
    });
  }
  if (rng.chance(hard ? 0.3 : 0.1) && bottles.length > 0) {
    const b = rng.pick(bottles);
    const hw = b.w * rng.range(1.0, 1.6);
    props.push({
      kind: 'hand',
      x: b.cx - hw / 2 + rng.range(-0.3, 0.3) * b.w,
      y: b.baseY - b.h * rng.range(0.3, 0.8),
      w: hw,
      h: hw * 0.8,
      hue: rng.range(15, 35),
      layer: 103,
      opaque: true,
    });
  }

  const light = {
    warmth: rng.range(0, hard ? 0.45 : 0.3),
    brightness: hard ? rng.range(0.3, 0.8) : rng.range(0.7, 1.25),
    glare: hard ? rng.range(0.3, 0.9) : rng.chance(0.4) ? rng.range(0, 0.4) : 0,
    vignette: rng.range(0, 0.5),
  };
  const camera = {
    blur: rng.chance(0.5) ? rng.range(0.3, hard ? 1.6 : 1.0) : 0,
    motion: rng.chance(hard ? 0.3 : 0.08) ? rng.int(3, 9) : 0,
    noise: hard ? rng.range(8, 28) : rng.range(0, 12),
    quality: rng.int(hard ? 30 : 50, 92),
    timestamp: rng.chance(0.5),
  };
  return { seed: opts.seed, split, width, height, wall, view, shelves, bottles, props, light, camera };
}
