/** The bottle kinds the generator draws: glass colour, silhouette and what liquid they usually hold. */
export type Glass = 'clear' | 'green' | 'amber' | 'frosted' | 'opaque' | 'blue';
export type Shape = 'round' | 'square' | 'tall' | 'squat' | 'flask' | 'wine';

export interface BottleKind {
  name: string;
  glass: Glass;
  shape: Shape;
  /** Height over body width. */
  aspect: number;
  /** Share of the height taken by the body (the rest is shoulder + neck + cap). */
  bodyFrac: number;
  /** Neck width over body width. */
  neckWidth: number;
  /** Liquids this kind holds: [hue, saturation, lightness, opacity]. */
  liquids: readonly (readonly [number, number, number, number])[];
}

const WHISKY = [30, 85, 35, 0.85] as const;
const RUM = [22, 90, 22, 0.9] as const;
const VODKA = [200, 15, 85, 0.25] as const;
const GIN = [190, 25, 80, 0.3] as const;
const LIQUEUR_RED = [350, 80, 35, 0.85] as const;
const LIQUEUR_GREEN = [110, 70, 35, 0.8] as const;
const BLUE = [210, 90, 45, 0.85] as const;
const WINE = [345, 70, 18, 0.95] as const;
const CREAM = [35, 40, 75, 0.95] as const;

export const BOTTLE_KINDS: readonly BottleKind[] = [
  { name: 'clear-round', glass: 'clear', shape: 'round', aspect: 3.4, bodyFrac: 0.62, neckWidth: 0.32, liquids: [VODKA, GIN, WHISKY] },
  { name: 'clear-square', glass: 'clear', shape: 'square', aspect: 2.6, bodyFrac: 0.7, neckWidth: 0.3, liquids: [WHISKY, GIN] },
  { name: 'clear-tall', glass: 'clear', shape: 'tall', aspect: 4.6, bodyFrac: 0.6, neckWidth: 0.3, liquids: [VODKA, LIQUEUR_RED, BLUE] },
  {
    name: 'clear-squat',
    glass: 'clear',
    shape: 'squat',
    aspect: 1.9,
    bodyFrac: 0.72,
    neckWidth: 0.34,
    liquids: [WHISKY, RUM, LIQUEUR_GREEN],
  },
  { name: 'clear-flask', glass: 'clear', shape: 'flask', aspect: 2.3, bodyFrac: 0.74, neckWidth: 0.28, liquids: [WHISKY, RUM] },
  { name: 'green-wine', glass: 'green', shape: 'wine', aspect: 4.0, bodyFrac: 0.58, neckWidth: 0.35, liquids: [WINE, GIN] },
  { name: 'green-round', glass: 'green', shape: 'round', aspect: 3.2, bodyFrac: 0.64, neckWidth: 0.33, liquids: [GIN, LIQUEUR_GREEN] },
  { name: 'amber-round', glass: 'amber', shape: 'round', aspect: 3.0, bodyFrac: 0.65, neckWidth: 0.3, liquids: [RUM, WHISKY] },
  { name: 'amber-squat', glass: 'amber', shape: 'squat', aspect: 2.0, bodyFrac: 0.7, neckWidth: 0.36, liquids: [RUM, LIQUEUR_RED] },
  { name: 'frosted-tall', glass: 'frosted', shape: 'tall', aspect: 4.2, bodyFrac: 0.66, neckWidth: 0.3, liquids: [VODKA, BLUE] },
  { name: 'frosted-square', glass: 'frosted', shape: 'square', aspect: 2.4, bodyFrac: 0.72, neckWidth: 0.32, liquids: [GIN, VODKA] },
  { name: 'blue-round', glass: 'blue', shape: 'round', aspect: 3.3, bodyFrac: 0.62, neckWidth: 0.3, liquids: [GIN, VODKA] },
  { name: 'opaque-ceramic', glass: 'opaque', shape: 'squat', aspect: 2.1, bodyFrac: 0.74, neckWidth: 0.34, liquids: [CREAM] },
  { name: 'opaque-black', glass: 'opaque', shape: 'round', aspect: 3.1, bodyFrac: 0.64, neckWidth: 0.3, liquids: [LIQUEUR_RED] },
  { name: 'opaque-square', glass: 'opaque', shape: 'square', aspect: 2.5, bodyFrac: 0.72, neckWidth: 0.3, liquids: [CREAM] },
];

export function kindByName(name: string): BottleKind {
  const kind = BOTTLE_KINDS.find((k) => k.name === name);
  if (!kind) throw new Error(`unknown bottle kind ${name}`);
  return kind;
}
