import sharp from 'sharp';

/** Room around the polygon so a bottle leaning over the slot's edge is still whole in the crop. */
const MARGIN = 0.03;

/**
 * Cuts the bounding box of a slot polygon (normalised 0-1 image coordinates) out of
 * a frame. Throws when the frame cannot be decoded or the box is empty, so the
 * caller can store the correction without a crop and say why.
 */
export async function cropSlot(frame: Buffer, polygon: readonly (readonly [number, number])[]) {
  const meta = await sharp(frame).metadata();
  const fw = meta.width ?? 0;
  const fh = meta.height ?? 0;
  if (!fw || !fh) throw new Error('the frame has no size');
  const xs = polygon.map((point) => point[0]);
  const ys = polygon.map((point) => point[1]);
  // the epsilon keeps 0.43 × 200 = 86.00000000000001 from growing the box by a pixel
  const lo = (v: number, size: number) => Math.max(0, Math.floor((v - MARGIN) * size + 1e-6));
  const hi = (v: number, size: number) => Math.min(size, Math.ceil((v + MARGIN) * size - 1e-6));
  const x0 = lo(Math.min(...xs), fw);
  const y0 = lo(Math.min(...ys), fh);
  const x1 = hi(Math.max(...xs), fw);
  const y1 = hi(Math.max(...ys), fh);
  if (x1 - x0 < 2 || y1 - y0 < 2) throw new Error(`the slot is too small in a ${fw}×${fh} frame`);
  const out = await sharp(frame)
    .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
    .jpeg({ quality: 90 })
    .toBuffer({ resolveWithObject: true });
  return { jpeg: out.data, width: out.info.width, height: out.info.height };
}
