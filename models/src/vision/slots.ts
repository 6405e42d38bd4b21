import type { BottleDetection, FrameAnalysis } from '../types.js';

/** A shelf slot: a polygon in the camera image, in normalised 0-1 coordinates. */
export interface SlotShape {
  id: string;
  polygon: readonly (readonly [number, number])[];
}

/** A bottle at or above this fill counts as a full, unopened one. */
export const DEFAULT_FULL_ABOVE = 0.95;

/** Ray casting; polygon and point in the same (normalised 0-1) coordinates. */
export function pointInPolygon(x: number, y: number, polygon: SlotShape['polygon']): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Puts each bottle in the first slot whose polygon holds the centre of its box.
 * Bottles outside every slot are ignored (a bottle on the bar top is not stock).
 * Each slot's bottles come back left to right so fills line up between readings.
 * The edge agent and the cloud's photo endpoints both count this way.
 */
export function assignToSlots(a: FrameAnalysis, slots: readonly SlotShape[]): Map<string, BottleDetection[]> {
  const out = new Map<string, BottleDetection[]>(slots.map((s) => [s.id, []]));
  if (!a.width || !a.height) return out;
  for (const b of a.bottles) {
    const cx = (b.box.x + b.box.w / 2) / a.width;
    const cy = (b.box.y + b.box.h / 2) / a.height;
    const slot = slots.find((s) => pointInPolygon(cx, cy, s.polygon));
    if (slot) out.get(slot.id)!.push(b);
  }
  for (const list of out.values()) list.sort((p, q) => p.box.x - q.box.x);
  return out;
}

/**
 * The share of a slot's bounding box (normalised polygon) that a box in the frame's pixels covers: how much of
 * the slot a person standing in front hides.
 */
export function slotCovered(
  box: { x: number; y: number; w: number; h: number },
  frame: { width: number; height: number },
  slot: SlotShape,
): number {
  const xs = slot.polygon.map((p) => p[0] * frame.width);
  const ys = slot.polygon.map((p) => p[1] * frame.height);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const area = (x1 - x0) * (y1 - y0);
  if (!(area > 0)) return 0;
  const w = Math.max(0, Math.min(x1, box.x + box.w) - Math.max(x0, box.x));
  const h = Math.max(0, Math.min(y1, box.y + box.h) - Math.max(y0, box.y));
  return (w * h) / area;
}

/** The share of a slot's box a person must cover for its bottles to count as hidden (the agent's `shelf.personCover`). */
export const PERSON_COVER = 0.1;

/**
 * The slots someone stands in front of: a person of the analysis (FrameAnalysis.people) covers at least `cover` of
 * the slot's box. Their count is not what is on the shelf: the edge agent holds it, a photo's count says so.
 */
export function slotsHiddenByPeople(a: FrameAnalysis, slots: readonly SlotShape[], cover = PERSON_COVER): Set<string> {
  const people = a.people ?? [];
  return new Set(slots.filter((slot) => people.some((p) => slotCovered(p.box, a, slot) >= cover)).map((slot) => slot.id));
}

/** Units on the shelf: full bottles count one each, open ones their fill; an opaque bottle (null) counts as one. */
export function unitsOf(fills: readonly (number | null)[], fullAbove = DEFAULT_FULL_ABOVE): number {
  return fills.reduce<number>((u, f) => u + (f === null || f >= fullAbove ? 1 : f), 0);
}
