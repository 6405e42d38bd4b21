import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import type { Font, Page } from './layouts.js';
import type { Rng } from './catalogue.js';

const PDF_FONT: Record<Font, [string, string]> = {
  sans: ['Helvetica', 'Helvetica-Bold'],
  serif: ['Times-Roman', 'Times-Bold'],
  mono: ['Courier', 'Courier-Bold'],
};
const SVG_FONT: Record<Font, string> = { sans: 'Liberation Sans', serif: 'Liberation Serif', mono: 'Liberation Mono' };

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
}

/** The pages as a text PDF, the way an accounting system exports an invoice. */
export async function textPdf(pages: Page[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false });
  const done = collect(doc);
  for (const p of pages) {
    doc.addPage();
    for (const [x0, y0, x1, y1] of p.rules) doc.moveTo(x0, y0).lineTo(x1, y1).lineWidth(0.5).stroke();
    for (const o of p.ops) {
      doc.font(PDF_FONT[o.font][o.bold ? 1 : 0]).fontSize(o.size);
      const x = o.right ? o.x - doc.widthOfString(o.text) : o.x;
      doc.text(o.text, x, o.y, { lineBreak: false });
    }
  }
  doc.end();
  return done;
}

/** One image pixel per 1/200 inch: what a phone photo of an A4 page resolves to after cropping. */
const SCALE = 200 / 72;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page as a clean raster (PNG). */
export function pagePng(p: Page): Promise<Buffer> {
  const W = Math.round(595 * SCALE);
  const H = Math.round(842 * SCALE);
  const text = p.ops
    .map(
      (o) =>
        `<text x="${(o.x * SCALE).toFixed(1)}" y="${((o.y + o.size * 0.8) * SCALE).toFixed(1)}" font-family="${SVG_FONT[o.font]}" font-size="${(o.size * SCALE).toFixed(1)}"${o.bold ? ' font-weight="bold"' : ''}${o.right ? ' text-anchor="end"' : ''}>${esc(o.text)}</text>`,
    )
    .join('');
  const rules = p.rules
    .map(
      ([a, b, c, d]) => `<line x1="${a * SCALE}" y1="${b * SCALE}" x2="${c * SCALE}" y2="${d * SCALE}" stroke="black" stroke-width="1.5"/>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/>${rules}${text}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A photo of the printed page: turned a little, a shadow across it, soft focus, sensor noise and JPEG. */
export async function scannedPhoto(p: Page, r: Rng): Promise<Buffer> {
  const clean = await pagePng(p);
  const angle = (r.next() - 0.5) * 3; // ±1.5°
  const turned = await sharp(clean).rotate(angle, { background: '#f4f1ea' }).toBuffer();
  const meta = await sharp(turned).metadata();
  const [W, H] = [meta.width!, meta.height!];
  const shadow = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#${r.pick(['bbb', 'aaa', 'ccc'])}"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
  );
  const { data, info } = await sharp(turned)
    .composite([{ input: shadow, blend: 'multiply' }])
    .blur(0.5 + r.next() * 0.7)
    .raw()
    .toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + (r.next() - 0.5) * 40));
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .jpeg({ quality: r.int(55, 80) })
    .toBuffer();
}

/** A scanner's PDF: the photo as the page's only content, no text layer. */
export async function scannedPdf(photo: Buffer): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0 });
  const done = collect(doc);
  doc.image(photo, 0, 0, { width: 595, height: 842 });
  doc.end();
  return done;
}
