/** SVG fragments for the scene's parts: walls, shelves, bottles and look-alike props. */
import { hsl } from './rng.js';
import type { Scene, SceneBottle, SceneProp, Shelf } from './scene.js';

const f = (n: number): string => n.toFixed(1);

const GLASS: Record<string, { h: number; s: number; l: number; a: number }> = {
  clear: { h: 190, s: 10, l: 82, a: 0.22 },
  green: { h: 130, s: 55, l: 22, a: 0.55 },
  amber: { h: 28, s: 80, l: 25, a: 0.5 },
  frosted: { h: 200, s: 8, l: 86, a: 0.62 },
  blue: { h: 215, s: 70, l: 35, a: 0.5 },
  opaque: { h: 30, s: 10, l: 12, a: 1 },
};

/** Outline of a bottle as an SVG path; also returns the body top (where fill = 1). */
export function bottleGeometry(b: SceneBottle): { path: string; bodyTop: number; top: number } {
  const { cx, baseY, w, h, kind } = b;
  const x0 = cx - w / 2;
  const x1 = cx + w / 2;
  const bodyTop = baseY - h * kind.bodyFrac;
  const shoulder = kind.shape === 'wine' ? h * 0.18 : kind.shape === 'square' ? h * 0.06 : h * 0.11;
  const nw = (w * kind.neckWidth) / 2;
  const top = baseY - h;
  const r = Math.min(w * 0.12, 6);
  const k = kind.shape === 'square' ? 0.2 : 0.6;
  const path =
    `M${f(x0)},${f(baseY - r)} L${f(x0)},${f(bodyTop)} ` +
    `C${f(x0)},${f(bodyTop - shoulder * k)} ${f(cx - nw)},${f(bodyTop - shoulder * 0.5)} ${f(cx - nw)},${f(bodyTop - shoulder)} ` +
    `L${f(cx - nw)},${f(top)} L${f(cx + nw)},${f(top)} L${f(cx + nw)},${f(bodyTop - shoulder)} ` +
    `C${f(cx + nw)},${f(bodyTop - shoulder * 0.5)} ${f(x1)},${f(bodyTop - shoulder * k)} ${f(x1)},${f(bodyTop)} ` +
    `L${f(x1)},${f(baseY - r)} Q${f(x1)},${f(baseY)} ${f(x1 - r)},${f(baseY)} L${f(x0 + r)},${f(baseY)} Q${f(x0)},${f(baseY)} ${f(x0)},${f(baseY - r)} Z`;
  return { path, bodyTop, top };
}

/** The y of the liquid surface for a fill fraction (1 = up to the shoulder). */
export function liquidTopY(b: SceneBottle): number {
  const bodyH = b.h * b.kind.bodyFrac;
  const base = Math.max(1, b.h * 0.03);
  return b.baseY - base - b.fill * (bodyH - base);
}

/** How opaque a bottle's glass is (1: nothing behind it shows). */
export function glassOpacity(b: SceneBottle): number {
  return (GLASS[b.kind.glass] ?? GLASS.clear!).a;
}

/** How opaque its liquid is; frosted glass washes it out. */
export function liquidOpacity(b: SceneBottle): number {
  const la = b.liquid[3];
  return b.kind.glass === 'frosted' ? la * 0.7 : la;
}

/** The paper label's band, [top y, height], or null for a bottle without one; a label hides what is behind it. */
export function labelBand(b: SceneBottle): [number, number] | null {
  if (b.labelHue % 5 === 0) return null;
  const bodyH = b.h * b.kind.bodyFrac;
  return [b.baseY - bodyH * (0.35 + (b.labelHue % 7) * 0.05), bodyH * (0.25 + (b.capHue % 5) * 0.04)];
}

export function drawBottle(b: SceneBottle, alpha = 1): string {
  const { cx, baseY, w, h, kind } = b;
  const g = GLASS[kind.glass] ?? GLASS.clear!;
  const opaque = kind.glass === 'opaque';
  const glassHue = opaque ? b.labelHue : g.h;
  const glassLight = opaque ? (b.labelHue % 3 === 0 ? 85 : 12) : g.l;
  const { path, bodyTop, top } = bottleGeometry(b);
  const gid = `g${b.id}`;
  const lid = `l${b.id}`;
  const cid = `c${b.id}`;
  const x0 = cx - w / 2;
  const [lh, ls, ll] = b.liquid;
  const ly = liquidTopY(b);
  const label = labelBand(b);
  const parts: string[] = [
    `<defs><linearGradient id="${gid}" x1="0" x2="1" y1="0" y2="0">` +
      `<stop offset="0" stop-color="${hsl(glassHue, g.s, glassLight * 0.5)}"/>` +
      `<stop offset="0.3" stop-color="${hsl(glassHue, g.s, glassLight)}"/>` +
      `<stop offset="0.55" stop-color="${hsl(glassHue, g.s, Math.min(95, glassLight + 12))}"/>` +
      `<stop offset="1" stop-color="${hsl(glassHue, g.s, glassLight * 0.45)}"/></linearGradient>` +
      `<linearGradient id="${lid}" x1="0" x2="1" y1="0" y2="0">` +
      `<stop offset="0" stop-color="${hsl(lh, ls, ll * 0.55)}"/><stop offset="0.5" stop-color="${hsl(lh, ls, ll)}"/>` +
      `<stop offset="1" stop-color="${hsl(lh, ls, ll * 0.5)}"/></linearGradient>` +
      `<clipPath id="${cid}"><path d="${path}"/></clipPath></defs>`,
  ];
  parts.push(`<g opacity="${alpha}">`);
  if (!opaque && b.fill > 0.005) {
    const la2 = liquidOpacity(b);
    parts.push(
      `<g clip-path="url(#${cid})"><rect x="${f(x0)}" y="${f(ly)}" width="${f(w)}" height="${f(baseY - ly)}" fill="url(#${lid})" opacity="${la2.toFixed(2)}"/>` +
        `<ellipse cx="${f(cx)}" cy="${f(ly)}" rx="${f(w / 2)}" ry="${f(Math.max(1, w * 0.07))}" fill="${hsl(lh, ls, Math.min(95, ll + 20))}" opacity="0.7"/>` +
        `<line x1="${f(x0)}" y1="${f(ly)}" x2="${f(x0 + w)}" y2="${f(ly)}" stroke="${hsl(lh, ls, Math.min(97, ll + 35))}" stroke-width="${f(Math.max(0.8, w * 0.03))}" opacity="0.8"/></g>`,
    );
  }
  parts.push(`<path d="${path}" fill="url(#${gid})" fill-opacity="${g.a}"/>`);
  if (label) {
    const [labelTop, labelH] = label;
    parts.push(
      `<g clip-path="url(#${cid})"><rect x="${f(x0)}" y="${f(labelTop)}" width="${f(w)}" height="${f(labelH)}" fill="${hsl(b.labelHue, 30 + (b.capHue % 50), 15 + (b.capHue % 70))}"/>` +
        `<text x="${f(cx)}" y="${f(labelTop + labelH * 0.6)}" font-family="${b.capHue % 2 ? 'serif' : 'sans-serif'}" font-weight="bold" font-size="${f(Math.max(4, w * 0.22))}" text-anchor="middle" fill="${hsl(b.labelHue + 180, 40, b.capHue % 70 > 35 ? 10 : 90)}">${b.labelText}</text></g>`,
    );
  }
  parts.push(
    `<rect x="${f(x0 + w * 0.17)}" y="${f(bodyTop + h * 0.02)}" width="${f(w * 0.09)}" height="${f(h * kind.bodyFrac * 0.85)}" fill="white" opacity="${(0.15 + (b.capHue % 40) / 100).toFixed(2)}"/>`,
    `<rect x="${f(cx - (w * kind.neckWidth) / 2 - 0.5)}" y="${f(top)}" width="${f(w * kind.neckWidth + 1)}" height="${f(h * 0.08)}" fill="${hsl(b.capHue, 40, 20 + (b.capHue % 60))}"/>`,
    `<path d="${path}" fill="none" stroke="${hsl(glassHue, 20, 10)}" stroke-width="1" stroke-opacity="0.5"/>`,
    `</g>`,
  );
  return parts.join('');
}

export function drawProp(p: SceneProp): string {
  const { x, y, w, h, hue } = p;
  switch (p.kind) {
    case 'can':
      return (
        `<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${f(h)}" rx="${f(w * 0.1)}" fill="${hsl(hue, 60, 45)}"/>` +
        `<rect x="${f(x + w * 0.15)}" y="${f(y)}" width="${f(w * 0.12)}" height="${f(h)}" fill="white" opacity="0.35"/>` +
        `<ellipse cx="${f(x + w / 2)}" cy="${f(y)}" rx="${f(w / 2)}" ry="${f(w * 0.12)}" fill="#bbb"/>`
      );
    case 'glass':
      return (
        `<path d="M${f(x)},${f(y)} L${f(x + w)},${f(y)} L${f(x + w * 0.88)},${f(y + h)} L${f(x + w * 0.12)},${f(y + h)} Z" fill="${hsl(hue, 30, 85)}" fill-opacity="0.18" stroke="white" stroke-opacity="0.55"/>` +
        (hue > 180
          ? `<rect x="${f(x + w * 0.1)}" y="${f(y + h * 0.45)}" width="${f(w * 0.8)}" height="${f(h * 0.5)}" fill="${hsl(hue, 70, 40)}" opacity="0.5"/>`
          : '') +
        `<ellipse cx="${f(x + w / 2)}" cy="${f(y)}" rx="${f(w / 2)}" ry="${f(w * 0.1)}" fill="none" stroke="white" stroke-opacity="0.6"/>`
      );
    case 'shaker':
    case 'jigger':
    case 'bucket':
      return (
        `<path d="M${f(x + w * 0.2)},${f(y)} L${f(x + w * 0.8)},${f(y)} L${f(x + w)},${f(y + h)} L${f(x)},${f(y + h)} Z" fill="#9aa"/>` +
        `<rect x="${f(x + w * 0.3)}" y="${f(y)}" width="${f(w * 0.12)}" height="${f(h)}" fill="white" opacity="0.5"/>`
      );
    case 'box':
      return `<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${f(h)}" fill="${hsl(hue, 35, 35)}"/><rect x="${f(x)}" y="${f(y + h * 0.3)}" width="${f(w)}" height="${f(h * 0.1)}" fill="${hsl(hue + 90, 40, 60)}"/>`;
    case 'plant':
      return `<ellipse cx="${f(x + w / 2)}" cy="${f(y + h * 0.4)}" rx="${f(w / 2)}" ry="${f(h * 0.4)}" fill="${hsl(110, 45, 28)}"/><rect x="${f(x + w * 0.25)}" y="${f(y + h * 0.7)}" width="${f(w * 0.5)}" height="${f(h * 0.3)}" fill="${hsl(hue, 30, 40)}"/>`;
    case 'tap':
      return `<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${f(h * 0.45)}" rx="${f(w * 0.3)}" fill="${hsl(hue, 60, 35)}"/><rect x="${f(x + w * 0.3)}" y="${f(y + h * 0.45)}" width="${f(w * 0.4)}" height="${f(h * 0.55)}" fill="#bbb"/>`;
    case 'leg':
      return `<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${f(h)}" fill="${hsl(hue, 20, 12)}"/>`;
    case 'person': {
      const head = w * 0.36;
      return (
        `<ellipse cx="${f(x + w / 2)}" cy="${f(y + head)}" rx="${f(head * 0.8)}" ry="${f(head)}" fill="${hsl(25, 45, 25 + (hue % 45))}"/>` +
        `<path d="M${f(x)},${f(y + h)} L${f(x + w * 0.05)},${f(y + head * 2.3)} Q${f(x + w / 2)},${f(y + head * 1.8)} ${f(x + w * 0.95)},${f(y + head * 2.3)} L${f(x + w)},${f(y + h)} Z" fill="${hsl(hue, 35, 25)}"/>`
      );
    }
    case 'hand':
      return `<ellipse cx="${f(x + w / 2)}" cy="${f(y + h / 2)}" rx="${f(w / 2)}" ry="${f(h / 2)}" fill="${hsl(hue, 45, 55)}"/><rect x="${f(x - w * 0.5)}" y="${f(y + h * 0.3)}" width="${f(w * 0.7)}" height="${f(h * 0.4)}" fill="${hsl(hue, 45, 50)}"/>`;
  }
}

export function drawWall(s: Scene): string {
  const { width: W, height: H, wall } = s;
  const base = hsl(wall.hue, 25, wall.light);
  const dark = hsl(wall.hue, 25, wall.light * 0.5);
  const defs = `<defs><linearGradient id="wall" x1="0" x2="0" y1="0" y2="1"><stop offset="0" stop-color="${dark}"/><stop offset="0.5" stop-color="${base}"/><stop offset="1" stop-color="${dark}"/></linearGradient>`;
  const bw = 18 + (wall.hue % 30);
  let pattern = '';
  if (wall.style === 'brick')
    pattern = `<pattern id="pat" width="${bw * 2}" height="${bw}" patternUnits="userSpaceOnUse"><rect width="${bw * 2}" height="${bw}" fill="${base}"/><path d="M0,${bw - 1}H${bw * 2}M${bw},0V${bw / 2}M0,${bw / 2}H${bw * 2}M${bw / 2},${bw / 2}V${bw}" stroke="${dark}" stroke-width="2"/></pattern>`;
  else if (wall.style === 'wood')
    pattern = `<pattern id="pat" width="${bw}" height="${H}" patternUnits="userSpaceOnUse"><rect width="${bw}" height="${H}" fill="${hsl(25, 45, wall.light * 0.8)}"/><path d="M0,0V${H}" stroke="${hsl(25, 45, wall.light * 0.4)}" stroke-width="2"/></pattern>`;
  else if (wall.style === 'tiles')
    pattern = `<pattern id="pat" width="${bw}" height="${bw}" patternUnits="userSpaceOnUse"><rect width="${bw}" height="${bw}" fill="${base}"/><path d="M0,0H${bw}M0,0V${bw}" stroke="${hsl(wall.hue, 10, 80)}" stroke-width="1.5"/></pattern>`;
  const fill = pattern ? 'url(#pat)' : 'url(#wall)';
  let out = `${defs}${pattern}</defs><rect width="${W}" height="${H}" fill="${fill}"/>`;
  if (pattern) out += `<rect width="${W}" height="${H}" fill="url(#wall)" opacity="0.5"/>`;
  if (wall.style === 'mirror') {
    out += `<rect width="${W}" height="${H}" fill="${hsl(200, 10, 55)}" opacity="0.45"/>`;
    for (const b of s.bottles) out += drawBottle({ ...b, id: b.id + 10000, cx: W - b.cx + b.w * 0.3, w: b.w * 0.9, h: b.h * 0.9 }, 0.25);
  }
  if (wall.style === 'backlit') out += `<rect width="${W}" height="${H}" fill="${hsl(wall.hue, 60, 85)}" opacity="0.75"/>`;
  return out;
}

export function drawShelf(s: Scene, shelf: Shelf): string {
  const { width: W } = s;
  const face = hsl(shelf.hue, 40, shelf.light);
  const surf = hsl(shelf.hue, 35, Math.min(90, shelf.light + 15));
  const depth = shelf.thickness * 2.5;
  let out = '';
  if (s.view === 'above') out += `<rect x="0" y="${f(shelf.y - depth)}" width="${W}" height="${f(depth)}" fill="${surf}"/>`;
  out += `<rect x="0" y="${f(shelf.y)}" width="${W}" height="${f(shelf.thickness)}" fill="${face}"/>`;
  if (s.view === 'below')
    out += `<rect x="0" y="${f(shelf.y + shelf.thickness)}" width="${W}" height="${f(depth)}" fill="${hsl(shelf.hue, 30, shelf.light * 0.5)}"/>`;
  if (shelf.light > 45) out += `<rect x="0" y="${f(shelf.y + shelf.thickness)}" width="${W}" height="2" fill="white" opacity="0.8"/>`;
  return out;
}
