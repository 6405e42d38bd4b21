// Units and figures the sales and variance views speak: recipes are stored in ml, shown in
// the venue's unit (fluid ounces in the United States, ml elsewhere).
export type VolumeUnit = 'ml' | 'oz';
export const ML_PER_OZ = 29.5735;

/** The unit a venue's bar measures pours in. */
export const venueUnit = (country: string | null | undefined): VolumeUnit => (country?.toUpperCase() === 'US' ? 'oz' : 'ml');

/** ml in the venue's unit, rounded as a bartender reads a jigger. */
export function volume(ml: number | null | undefined, unit: VolumeUnit): string {
  if (ml === null || ml === undefined) return '–';
  return unit === 'oz' ? `${(ml / ML_PER_OZ).toFixed(2)} oz` : `${Math.round(ml * 10) / 10} ml`;
}

/** A quantity the user typed in the venue's unit, as the recipe route takes it. */
export const amountIn = (ml: number, unit: VolumeUnit) => (unit === 'oz' ? Math.round((ml / ML_PER_OZ) * 100) / 100 : ml);

/** bottle units as words: "1 bottle", "0.4 bottles" */
export const bottles = (units: number) => `${units} bottle${units === 1 ? '' : 's'}`;
export { cents, money } from './money';
/** a share 0–1 as a whole per cent */
export const share = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${Math.round(v * 100)} %`);
export const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v} %`);

/** The venue's local day as an instant range for the API: midnight to midnight in the browser's time. */
export function dayRange(d = new Date()): { from: string; to: string } {
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  return { from: start.toISOString(), to: new Date(start.getTime() + 86_400_000).toISOString() };
}
