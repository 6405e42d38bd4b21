/**
 * A shelf over time, for the edge agent's tests and the demo camera: the same scene with
 * bottles poured down, removed, put back full, and people passing in front. Each frame
 * comes with the truth for every bottle (present or not, box, fill).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderScene, type BottleTruth } from './render.js';
import { Rng } from './rng.js';
import { makeScene, type Scene } from './scene.js';

export interface ShelfVideoOptions {
  seed: number;
  seconds: number;
  fps: number;
  width?: number;
  height?: number;
  /** Quiet scenes (no glare, steady light) suit demo streams; defaults to true. */
  calm?: boolean;
}

export interface VideoFrameTruth {
  index: number;
  timeS: number;
  /** Every bottle of the scene: present ones carry their box and fill. */
  bottles: (BottleTruth & { present: true })[];
  absent: number[];
  personInFront: boolean;
}

export interface VideoFrame {
  jpeg: Buffer;
  truth: VideoFrameTruth;
}

interface Event {
  id: number;
  kind: 'pour' | 'remove';
  start: number;
  end: number;
}

function baseScene(o: ShelfVideoOptions): Scene {
  const s = makeScene({ seed: o.seed, split: 'normal', width: o.width ?? 1280, height: o.height ?? 720 });
  s.props = s.props.filter((p) => p.kind !== 'person' && p.kind !== 'hand');
  if (o.calm !== false) {
    s.light = { ...s.light, glare: 0, brightness: 1, warmth: Math.min(s.light.warmth, 0.15) };
    s.camera = { ...s.camera, motion: 0, blur: 0, noise: Math.min(s.camera.noise, 4), quality: 85 };
  }
  return s;
}

/** Yields the frames of a shelf video in order; deterministic from the seed. */
export async function* shelfVideo(o: ShelfVideoOptions): AsyncGenerator<VideoFrame> {
  const scene = baseScene(o);
  const rng = new Rng(o.seed ^ 0x71de0);
  const frames = Math.max(1, Math.round(o.seconds * o.fps));
  const events: Event[] = [];
  const nEvents = Math.max(1, Math.round(o.seconds / 6));
  for (let i = 0; i < nEvents && scene.bottles.length > 0; i++) {
    const b = rng.pick(scene.bottles);
    const start = rng.range(0, o.seconds * 0.8);
    events.push({ id: b.id, kind: rng.chance(0.6) ? 'pour' : 'remove', start, end: start + rng.range(2, 5) });
  }
  const initialFill = new Map(scene.bottles.map((b) => [b.id, b.fill]));
  const person = { start: rng.range(0, o.seconds * 0.6), dur: rng.range(2, 4) };
  for (let f = 0; f < frames; f++) {
    const t = f / o.fps;
    for (const b of scene.bottles) {
      let fill = initialFill.get(b.id)!;
      let present = true;
      for (const e of events.filter((x) => x.id === b.id && t >= x.start)) {
        if (e.kind === 'pour') fill = Math.max(0, fill - 0.12 * Math.min(1, (t - e.start) / (e.end - e.start)));
        else if (t < e.end) present = false;
        else fill = 1; // put back: a fresh full bottle
      }
      b.fill = fill;
      b.present = present;
    }
    const inFront = t >= person.start && t < person.start + person.dur;
    const W = scene.width;
    const H = scene.height;
    const personProp = {
      kind: 'person' as const,
      x: -0.4 * W + 1.6 * W * ((t - person.start) / person.dur),
      y: H * 0.25,
      w: H * 0.45,
      h: H,
      hue: 220,
      layer: 102,
      opaque: true,
    };
    const frameScene: Scene = { ...scene, seed: scene.seed + f, props: inFront ? [...scene.props, personProp] : scene.props };
    const r = await renderScene(frameScene);
    yield {
      jpeg: r.jpeg,
      truth: {
        index: f,
        timeS: Math.round(t * 1000) / 1000,
        bottles: r.bottles.map((b) => ({ ...b, present: true as const })),
        absent: scene.bottles.filter((b) => !b.present).map((b) => b.id),
        personInFront: inFront,
      },
    };
  }
}

/** Writes frame_00000.jpg … plus truth.json (one entry per frame) into outDir; returns the frame count. */
export async function renderShelfVideoFrames(o: ShelfVideoOptions & { outDir: string }): Promise<number> {
  await mkdir(o.outDir, { recursive: true });
  const truth: VideoFrameTruth[] = [];
  for await (const frame of shelfVideo(o)) {
    await writeFile(join(o.outDir, `frame_${String(frame.truth.index).padStart(5, '0')}.jpg`), frame.jpeg);
    truth.push(frame.truth);
  }
  await writeFile(join(o.outDir, 'truth.json'), JSON.stringify({ seed: o.seed, fps: o.fps, frames: truth }));
  return truth.length;
}
