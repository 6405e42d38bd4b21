/** Image bytes → RGB pixels → the detector's letterboxed NCHW Float32Array (the fill model's crops: crop.ts). */
import sharp from 'sharp';
import { VisionError, type RawFrame } from '../types.js';
import { headerSize, type HeaderSize } from './image-size.js';

export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

export interface Letterbox {
  tensor: Float32Array;
  /** source pixel = (input pixel - pad) / scale */
  scale: number;
  padX: number;
  padY: number;
}

export interface DecodedImage extends RgbImage {
  /** The image's own size; width/height above may be smaller (shrink-on-load). */
  sourceWidth: number;
  sourceHeight: number;
}

/**
 * Decodes JPEG/PNG (or passes raw RGB through); a broken image becomes a VisionError naming `source`.
 * With `detectorInput`, a large image is decoded at 1/2 or 1/4 size (JPEG shrink-on-load) as long as
 * the letterbox still shrinks it by 1.5x or more and it stays at least 320 wide: a 720p frame needs no
 * more than 640x360 for a 416x256 detector and 40x96 fill crops, and decodes 2-3x faster.
 */
export async function decodeImage(
  image: Buffer | RawFrame,
  source = 'image',
  detectorInput?: { width: number; height: number },
): Promise<DecodedImage> {
  if (!Buffer.isBuffer(image)) {
    if (image.data.length !== image.width * image.height * 3)
      throw new VisionError(`raw RGB buffer holds ${image.data.length} bytes, expected ${image.width}x${image.height}x3`, source);
    const sourceWidth = image.sourceWidth ?? image.width;
    const sourceHeight = image.sourceHeight ?? image.height;
    if (!(sourceWidth > 0 && sourceHeight > 0))
      throw new VisionError(`raw RGB frame's source size ${sourceWidth}x${sourceHeight} is not a size`, source);
    return { data: image.data, width: image.width, height: image.height, sourceWidth, sourceHeight };
  }
  try {
    const size = headerSize(image) ?? (await sharpSize(image));
    // a phone photo stored sideways with an EXIF orientation is analysed as it is shown
    let pipeline = sharp(image, { failOn: 'error', autoOrient: size.orientation !== 1 });
    const sw = size.width;
    const sh = size.height;
    if (!sw || !sh) throw new Error('no image size in the header');
    let k = 1;
    const fits = (w: number, h: number): boolean =>
      !!detectorInput && w >= 320 && Math.min(detectorInput.width / w, detectorInput.height / h) <= 1 / 1.5;
    while (k < 4 && fits(sw / (k * 2), sh / (k * 2))) k *= 2;
    if (k > 1) pipeline = pipeline.resize(Math.round(sw / k), Math.round(sh / k), { fit: 'fill', kernel: 'linear' });
    const { data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data, width: info.width, height: info.height, sourceWidth: k > 1 ? sw : info.width, sourceHeight: k > 1 ? sh : info.height };
  } catch (e) {
    throw new VisionError(`cannot decode image (${image.length} bytes): ${(e as Error).message}`, source);
  }
}

/**
 * The stored bitmap's size and EXIF orientation, read as decodeImage reads them (so a caller maps boxes
 * between the shown and the stored frame with the very orientation the decode applied).
 */
export async function storedGeometry(image: Buffer): Promise<{ width: number; height: number; orientation: number }> {
  const s = headerSize(image) ?? (await sharpSize(image));
  return s.orientation >= 5 ? { width: s.height, height: s.width, orientation: s.orientation } : { ...s };
}

async function sharpSize(image: Buffer): Promise<HeaderSize> {
  const m = await sharp(image, { failOn: 'error' }).metadata();
  return { ...m.autoOrient, orientation: m.orientation ?? 1 };
}

/** Same arithmetic as models/train/common.py letterbox_params. */
export function letterboxGeometry(
  w: number,
  h: number,
  dw: number,
  dh: number,
): { scale: number; nw: number; nh: number; padX: number; padY: number } {
  const scale = Math.min(dw / w, dh / h);
  const nw = Math.max(1, Math.round(w * scale));
  const nh = Math.max(1, Math.round(h * scale));
  return { scale, nw, nh, padX: Math.floor((dw - nw) / 2), padY: Math.floor((dh - nh) / 2) };
}

/**
 * How a detector wants its pixels: ours and Ultralytics' take RGB in 0-1 centred on the canvas;
 * YOLOX takes BGR in 0-255 at the canvas's top-left corner (its own preproc).
 */
export interface LetterboxStyle {
  order: 'rgb' | 'bgr';
  /** the value a white pixel becomes */
  range: 1 | 255;
  align: 'center' | 'top-left';
}

export const YOLO_STYLE: LetterboxStyle = { order: 'rgb', range: 1, align: 'center' };
export const YOLOX_STYLE: LetterboxStyle = { order: 'bgr', range: 255, align: 'top-left' };

/**
 * Resize keeping the aspect ratio, place on a `pad`-grey canvas, write CHW floats as `style` says.
 * `into` (3 x dw x dh floats) is written instead of a new array: a caller analysing frame after frame
 * reuses one.
 */
export async function letterbox(
  img: RgbImage,
  dw: number,
  dh: number,
  pad = 114,
  style: LetterboxStyle = YOLO_STYLE,
  into?: Float32Array,
): Promise<Letterbox> {
  const g = letterboxGeometry(img.width, img.height, dw, dh);
  if (style.align === 'top-left') [g.padX, g.padY] = [0, 0];
  const resized =
    g.nw === img.width && g.nh === img.height
      ? img.data
      : await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
          .resize(g.nw, g.nh, { fit: 'fill', kernel: 'linear' })
          .raw()
          .toBuffer();
  const plane = dw * dh;
  const k = style.range / 255;
  if (into && into.length !== 3 * plane) throw new VisionError(`letterbox buffer holds ${into.length} floats, expected ${3 * plane}`);
  const tensor = into ?? new Float32Array(3 * plane);
  const grey = style.range === 1 ? pad / 255 : pad;
  const { nw, nh, padX, padY } = g;
  // Only the padding around the picture is filled (a reused `into` holds an earlier frame there); the
  // picture's own floats are all written below.
  const sides = padX > 0 || nw < dw;
  for (let base = 0; base < 3 * plane; base += plane) {
    tensor.fill(grey, base, base + padY * dw);
    tensor.fill(grey, base + (padY + nh) * dw, base + plane);
    if (sides)
      for (let y = padY; y < padY + nh; y++) {
        tensor.fill(grey, base + y * dw, base + y * dw + padX);
        tensor.fill(grey, base + y * dw + padX + nw, base + (y + 1) * dw);
      }
  }
  // planes in the model's channel order: R, G, B or B, G, R
  const [p0, p1, p2] = style.order === 'rgb' ? [0, plane, 2 * plane] : [2 * plane, plane, 0];
  for (let y = 0; y < nh; y++) {
    let src = y * nw * 3;
    let dst = (y + padY) * dw + padX;
    for (let x = 0; x < nw; x++, src += 3, dst++) {
      tensor[dst + p0] = resized[src]! * k;
      tensor[dst + p1] = resized[src + 1]! * k;
      tensor[dst + p2] = resized[src + 2]! * k;
    }
  }
  return { tensor, scale: g.scale, padX: g.padX, padY: g.padY };
}
