import sharp from 'sharp';
import { MAX_SNAPSHOT_JPEG_BYTES, type SlotConfig } from '@smartstock/protocol';
import type { BottleDetection, PersonBox } from '@smartstock/models';

/** Room around a person's box: the detector's box hugs the body, hair and hands stick out. */
const PERSON_MARGIN = 0.12;

/**
 * The picture a snapshot request gets: everything outside the shelf slots
 * blurred beyond recognition, and every person blurred wherever they stand
 * (a person in front of a shelf stands inside its slots), slot outlines and
 * detected bottles drawn on top, re-encoded until it fits 120 KB. overlay false leaves
 * the drawing off (still blurred): a training crop must not show the model its own boxes.
 */
export async function renderSnapshot(
  jpeg: Buffer,
  slots: readonly SlotConfig[],
  bottles: readonly BottleDetection[] = [],
  {
    overlay = true,
    maxBytes = MAX_SNAPSHOT_JPEG_BYTES,
    people = [],
  }: { overlay?: boolean; maxBytes?: number; people?: readonly PersonBox[] } = {},
): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const meta = await sharp(jpeg).metadata();
  let width = meta.width ?? 0;
  let height = meta.height ?? 0;
  if (!width || !height) throw new Error('frame has no size');
  const scale = Math.min(1, 1280 / width);
  width = Math.round(width * scale);
  height = Math.round(height * scale);
  // Materialised once: sharp runs a pipeline's steps in its own order, and a removeAlpha in the
  // same pipeline as joinChannel would drop the mask (it painted the world black, then sharp).
  const pixels = await sharp(jpeg).resize(width, height).removeAlpha().raw().toBuffer();
  const base = sharp(pixels, { raw: { width, height, channels: 3 } });
  const sigma = Math.max(8, Math.round(width / 40));
  const blurred = await base.clone().blur(sigma).png().toBuffer();
  const pts = (slot: SlotConfig) => slot.polygon.map(([x, y]) => `${(x * width).toFixed(1)},${(y * height).toFixed(1)}`).join(' ');
  // People are masked out of the slots (black in an SVG luminance mask) so no slot lets them through sharp.
  const personRects = people
    .map((person) => {
      const [mx, my] = [person.w * PERSON_MARGIN, person.h * PERSON_MARGIN];
      const [x, y, w, h] = [(person.x - mx) * scale, (person.y - my) * scale, (person.w + 2 * mx) * scale, (person.h + 2 * my) * scale];
      return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="#000"/>`;
    })
    .join('');
  const mask = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><mask id="nobody"><rect width="${width}" height="${height}" fill="#fff"/>${personRects}</mask></defs><g mask="url(#nobody)">${slots
      .map((slot) => `<polygon points="${pts(slot)}" fill="#fff"/>`)
      .join('')}</g></svg>`,
  );
  // The sharp picture survives only where the mask is opaque: the mask's alpha becomes its alpha channel.
  const alpha = await sharp(mask).ensureAlpha().extractChannel(3).raw().toBuffer();
  const inside = await base
    .clone()
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
  const drawing = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${slots
      .map((slot) => `<polygon points="${pts(slot)}" fill="none" stroke="#00e0ff" stroke-width="3"/>`)
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
