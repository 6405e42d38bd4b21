import type { SlotConfig } from '@smartstock/protocol';

/**
 * From detected bottles to shelf rows and slots. Bottles stand on a shelf,
 * so a row is bottles whose bottoms line up; along a row each facing is one
 * slot, and bottles one behind another (overlapping across) share it. A
 * slot's region reaches halfway to its neighbours, so a bottle put back a
 * little off its spot still lands in it.
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SuggestedSlot extends SlotConfig {
  row: number;
  bottles: number;
}

/** Bottoms within this share of the median bottle height belong to the same shelf. */
const ROW_TOLERANCE = 0.35;
/** Boxes overlapping across by more than this share of the narrower one stand one behind another. */
const SAME_FACING_OVERLAP = 0.5;

export function groupIntoRows(boxes: Box[]): Box[][] {
  if (boxes.length === 0) return [];
  const heights = boxes.map((b) => b.h).sort((a, b) => a - b);
  const tolerance = heights[Math.floor(heights.length / 2)]! * ROW_TOLERANCE;
  const rows: Box[][] = [];
  for (const box of [...boxes].sort((a, c) => a.y + a.h - (c.y + c.h))) {
    const row = rows.at(-1);
    const bottom = row ? median(row.map((placed) => placed.y + placed.h)) : 0;
    if (row && Math.abs(box.y + box.h - bottom) <= tolerance) row.push(box);
    else rows.push([box]);
  }
  return rows.map((row) => row.sort((a, b) => a.x - b.x));
}

/** Facings along one row, left to right: [left, right] spans with their bottles. */
export function facings(row: Box[]): Box[][] {
  const out: Box[][] = [];
  for (const b of row) {
    const last = out.at(-1);
    const prev = last ? span(last) : null;
    const overlap = prev ? Math.min(prev.right, b.x + b.w) - Math.max(prev.left, b.x) : 0;
    if (last && prev && overlap > SAME_FACING_OVERLAP * Math.min(prev.right - prev.left, b.w)) last.push(b);
    else out.push([b]);
  }
  return out;
}

export function suggestSlots(boxes: Box[], width: number, height: number): SuggestedSlot[] {
  const slots: SuggestedSlot[] = [];
  const rows = groupIntoRows(boxes);
  rows.forEach((row, r) => {
    const fs = facings(row).map(span);
    const groups = facings(row);
    const top = Math.min(...row.map((b) => b.y));
    const bottom = Math.max(...row.map((b) => b.y + b.h));
    const pad = (bottom - top) * 0.1;
    fs.forEach((f, i) => {
      const left = i === 0 ? f.left - (f.right - f.left) * 0.25 : (fs[i - 1]!.right + f.left) / 2;
      const right = i === fs.length - 1 ? f.right + (f.right - f.left) * 0.25 : (f.right + fs[i + 1]!.left) / 2;
      const [x0, x1] = [clamp(left / width), clamp(right / width)];
      const [y0, y1] = [clamp((top - pad) / height), clamp((bottom + pad * 0.5) / height)];
      slots.push({
        id: `r${r + 1}-s${String(i + 1).padStart(2, '0')}`,
        sku: null,
        name: `shelf ${r + 1} from the top, position ${i + 1} from the left`,
        polygon: [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
        ],
        row: r + 1,
        bottles: groups[i]!.length,
      });
    });
  });
  return slots;
}

function span(bs: Box[]): { left: number; right: number } {
  return { left: Math.min(...bs.map((b) => b.x)), right: Math.max(...bs.map((b) => b.x + b.w)) };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const clamp = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000;
