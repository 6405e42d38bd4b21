import sharp from 'sharp';
import { MAX_SNAPSHOT_JPEG_BYTES, type SlotConfig } from '@smartstock/protocol';
import type { BottleDetection } from '@smartstock/models';

/**
 * The picture a snapshot request gets: everything outside the shelf slots
 * blurred beyond recognition (no faces leave the bar), slot outlines and
 * detected bottles drawn on top, re-encoded until it fits 120 KB. overlay false leaves
 * the drawing off (still blurred): a training crop must not show the model its own boxes.
 */
export async function renderSnapshot(
  jpeg: Buffer,
  slots: readonly SlotConfig[],
  bottles: readonly BottleDetection[] = [],
  { overlay = true, maxBytes = MAX_SNAPSHOT_JPEG_BYTES }: { overlay?: boolean; maxBytes?: number } = {},
): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const meta = await sharp(jpeg).metadata();
  let width = meta.width ?? 0;
  let height = meta.height ?? 0;
  if (!width || !height) throw new Error('frame has no size');
  const scale = Math.min(1, 1280 / width);
  width = Math.round(width * scale);
  height = Math.round(height * scale);
  const base = sharp(jpeg).resize(width, height).removeAlpha();
  const sigma = Math.max(8, Math.round(width / 40));
  const blurred = await base.clone().blur(sigma).toBuffer();
  const pts = (s: SlotConfig) => s.polygon.map(([x, y]) => `${(x * width).toFixed(1)},${(y * height).toFixed(1)}`).join(' ');
  const mask = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${slots
      .map((s) => `<polygon points="${pts(s)}" fill="#fff"/>`)
      .join('')}</svg>`,
  );
  // The sharp picture survives only inside the polygons (dest-in keeps it where the mask is opaque).
  const inside = await base
    .clone()
    .ensureAlpha()
    .composite([{ input: mask, blend: 'dest-in' }])
    .png()
    .toBuffer();
  const drawing = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${slots
      .map((s) => `<polygon points="${pts(s)}" fill="none" stroke="#00e0ff" stroke-width="3"/>`)
      .join('')}${bottles
      .map(
        (b) =>
          `<rect x="${b.box.x * scale}" y="${b.box.y * scale}" width="${b.box.w * scale}" height="${b.box.h * scale}" fill="none" stroke="#ffd000" stroke-width="2"/>`,
      )
      .join('')}</svg>`,
  );
  const composed = await sharp(blurred)
    .composite([{ input: inside }, ...(overlay ? [{ input: drawing }] : [])])
    .toBuffer();
  for (const [w, q] of [
    [width, 80],
    [width, 60],
    [width, 45],
    [Math.round(width * 0.75), 45],
    [Math.round(width * 0.5), 40],
    [Math.round(width * 0.35), 35],
  ] as const) {
    const out = await sharp(composed).resize(w).jpeg({ quality: q, mozjpeg: true }).toBuffer({ resolveWithObject: true });
    if (out.data.length <= maxBytes) return { jpeg: out.data, width: out.info.width, height: out.info.height };
  }
  throw new Error(`snapshot does not fit ${maxBytes} bytes`);
}
