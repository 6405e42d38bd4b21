/**
 * A tiled pass for high-resolution cameras: a 1080p frame letterboxed into a 416 input shrinks a
 * 40 px bottle to 15 px, below what a small detector finds. The frame is cut into overlapping tiles,
 * each seen at about the detector's own scale, plus one whole-frame pass for the bottles too large
 * for a tile; the boxes meet in one NMS.
 */
import type { Candidate } from './decode.js';
import { letterboxGeometry, type RgbImage } from './preprocess.js';

export interface TileGrid {
  cols: number;
  rows: number;
  /** Share of a tile's side shared with its neighbour (0-0.5): a bottle cut by one tile's edge is whole in the next. */
  overlap: number;
}

/**
 * What a caller asks for: a fixed grid, 'auto' (a grid picked from each image's size, autoTiles, or for an image
 * up to AUTO_TILES_FROM x the input only where the whole pass shows small bottles), or null (the whole frame in one
 * pass).
 */
export type TilePlan = TileGrid | 'auto' | null;

/** A tile plan as people write it (`npm run detect --tiles`, the agent's `vision.tiles`): auto, none or COLSxROWS. */
export const TILE_PLAN_TEXT = /^(auto|none|[1-8]x[1-8])$/;
export const TILE_PLAN_TEXT_RULE = 'auto, none or COLSxROWS (1-8 each, e.g. 3x2)';

/** The plan a text matching TILE_PLAN_TEXT names; a grid gets 20 % overlap. */
export function tilePlanFromText(text: string): TilePlan {
  if (!TILE_PLAN_TEXT.test(text)) throw new RangeError(`tiles must be ${TILE_PLAN_TEXT_RULE}, got "${text}"`);
  if (text === 'none') return null;
  if (text === 'auto') return 'auto';
  const [cols, rows] = text.split('x').map(Number) as [number, number];
  return { cols, rows, overlap: AUTO_TILE_OVERLAP };
}

/**
 * auto: an image no larger than this many times the detector's input on either side is seen in one pass unless
 * its whole pass shows small bottles (measured: 2x2 tiles on 640x640 close-up photos cost AP50,
 * cards/yolox-nano.md).
 */
export const AUTO_TILES_FROM = 2;
/** auto: no tile wider or taller than this many times the detector's input side (measured, ibid.). */
export const AUTO_TILE_MAX_SIDE = 0.75;
/** auto: the overlap of neighbouring tiles, as a share of a tile. */
export const AUTO_TILE_OVERLAP = 0.2;
/** The most tiles along one side (as readTiles allows): past it the tiles grow instead. */
export const MAX_TILES_PER_SIDE = 8;

/**
 * The grid for an image of width x height: null when it is at most AUTO_TILES_FROM times the detector's
 * input on each side (a 640x640 photo into a 416 detector: its whole pass decides, lookedFirstGrid); else
 * tileGrid's, so a 25 px bottle of a 1080p frame reaches the detector at 25 px or more, not at 5 px.
 */
export function autoTiles(width: number, height: number, input: { width: number; height: number }): TileGrid | null {
  if (width <= AUTO_TILES_FROM * input.width && height <= AUTO_TILES_FROM * input.height) return null;
  return tileGrid(width, height, input);
}

/** The fewest tiles (AUTO_TILE_OVERLAP) none of which is more than AUTO_TILE_MAX_SIDE times the input on a side. */
export function tileGrid(width: number, height: number, input: { width: number; height: number }): TileGrid {
  const [maxSide, overlap] = [AUTO_TILE_MAX_SIDE, AUTO_TILE_OVERLAP];
  // n tiles overlapping by overlap*s cover s * (n - (n - 1) * overlap); solve for the n that keeps s <= maxSide * input
  const count = (total: number, side: number): number => {
    const n = Math.ceil((total / (maxSide * side) - overlap) / (1 - overlap) - 1e-9);
    return Math.min(MAX_TILES_PER_SIDE, Math.max(1, n));
  };
  return { cols: count(width, input.width), rows: count(height, input.height), overlap };
}

/**
 * auto, an image up to AUTO_TILES_FROM times the input (one pass by size): tiles as well (tileGrid's: 3x3 for a
 * 640x640 photo, 2x2 for a 416 one) when the whole-frame pass shows small bottles, a candidate scored
 * SMALL_BOTTLE_SCORE or more under SMALL_BOTTLE_PX tall at the input. A shelf or a table seen from across the
 * room holds them; a close-up of one bottle or can does not, and there tiles cost AP50 (they see the can large
 * and call it a bottle). The score is not the caller's threshold, so an AP-curve run (0.01) tiles the same
 * photos as the operating point does.
 */
export const SMALL_BOTTLE_SCORE = 0.1;
/** Twice the ~32 px under which the shipped detector finds few bottles. */
export const SMALL_BOTTLE_PX = 64;

/** Whether a whole-frame pass (boxes in the image's pixels) shows small bottles, as SMALL_BOTTLE_PX says. */
export function showsSmallBottles(
  cands: readonly Candidate[],
  image: { width: number; height: number },
  input: { width: number; height: number },
): boolean {
  const { scale } = letterboxGeometry(image.width, image.height, input.width, input.height);
  return cands.some((c) => c.score >= SMALL_BOTTLE_SCORE && c.h * scale < SMALL_BOTTLE_PX);
}

/**
 * auto's grid for an image up to AUTO_TILES_FROM times the input, from its whole pass: tileGrid's when that pass
 * shows small bottles, else none. An image under AUTO_TILE_MAX_SIDE x the input is its own only tile: none.
 */
export function lookedFirstGrid(
  cands: readonly Candidate[],
  image: { width: number; height: number },
  input: { width: number; height: number },
): TileGrid | null {
  if (!showsSmallBottles(cands, image, input)) return null;
  const grid = tileGrid(image.width, image.height, input);
  return grid.cols * grid.rows > 1 ? grid : null;
}

export interface Tile {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The tiles of a width x height frame, row by row; with cols = rows = 1 the frame itself. */
export function tilesOf(width: number, height: number, grid: TileGrid): Tile[] {
  const side = (total: number, n: number): { size: number; step: number } => {
    // n tiles of size s overlapping by overlap*s cover: s * (n - (n - 1) * overlap) = total
    const size = Math.min(total, Math.ceil(total / (n - (n - 1) * grid.overlap)));
    return { size, step: n > 1 ? (total - size) / (n - 1) : 0 };
  };
  const across = side(width, grid.cols);
  const down = side(height, grid.rows);
  const tiles: Tile[] = [];
  for (let r = 0; r < grid.rows; r++)
    for (let c = 0; c < grid.cols; c++)
      tiles.push({ x: Math.round(c * across.step), y: Math.round(r * down.step), w: across.size, h: down.size });
  return tiles;
}

/** The pixels of one tile, as their own image. */
export function cropTile(img: RgbImage, tile: Tile): RgbImage {
  const data = Buffer.allocUnsafe(tile.w * tile.h * 3);
  for (let y = 0; y < tile.h; y++) {
    const from = ((tile.y + y) * img.width + tile.x) * 3;
    img.data.copy(data, y * tile.w * 3, from, from + tile.w * 3);
  }
  return { data, width: tile.w, height: tile.h };
}

/**
 * A tile's boxes in the frame's pixels, without those touching an edge the tile shares with a
 * neighbour: such a box is a cut bottle, seen whole by the neighbour (the overlap) or by the whole-frame pass.
 */
export function fromTile(cands: readonly Candidate[], tile: Tile, frame: { width: number; height: number }, margin = 2): Candidate[] {
  const inner = {
    left: tile.x > 0,
    top: tile.y > 0,
    right: tile.x + tile.w < frame.width,
    bottom: tile.y + tile.h < frame.height,
  };
  return cands
    .filter(
      (c) =>
        !(inner.left && c.x <= margin) &&
        !(inner.top && c.y <= margin) &&
        !(inner.right && c.x + c.w >= tile.w - margin) &&
        !(inner.bottom && c.y + c.h >= tile.h - margin),
    )
    .map((c) => ({ ...c, x: c.x + tile.x, y: c.y + tile.y }));
}
