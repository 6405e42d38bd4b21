// Renders the PNG icons from public/icon.svg: 192 and 512 px for Android and the manifest,
// a maskable 512 (full bleed, the bottle inside the safe circle) and the 180 px
// apple-touch-icon (iOS rounds the corners itself, so it must be a full square).
// The PNGs are committed; run this after changing the icon: `npm run icons -w dashboard`.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';

const pub = new URL('../public/', import.meta.url);
const svg = readFileSync(new URL('icon.svg', pub), 'utf8');
const bottle = svg
  .replace(/^<svg[^>]*>/, '')
  .replace(/<\/svg>\s*$/, '')
  .replace(/<rect width="64" height="64"[^>]*\/>/, '');
/** the bottle at `scale` of the side, centred on a full-bleed background */
const fullBleed = (scale) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#11161c"/>` +
  `<g transform="translate(${32 - 32 * scale} ${32 - 32 * scale}) scale(${scale})">${bottle}</g></svg>`;

const out = [
  ['icon-192.png', svg, 192],
  ['icon-512.png', svg, 512],
  ['icon-maskable-512.png', fullBleed(0.7), 512],
  ['apple-touch-icon.png', fullBleed(0.85), 180],
];
for (const [name, source, size] of out) {
  await sharp(Buffer.from(source), { density: (72 * size) / 64 })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: true })
    .toFile(new URL(name, pub).pathname);
  console.log(`public/${name} ${size}×${size}`);
}
