/**
 * How a quantity of stock is written for a person, everywhere: alert texts, order reasons, the
 * dashboard. Plain functions, no zod, so the dashboard imports them (`@smartstock/api/quantity`)
 * without bundling the contract's schemas.
 *
 * Up to two decimals, trailing zeros dropped: a reorder point of 0.75 reads "0.75" (one decimal made
 * it "0.8", beside a level of "0.7" that was really 0.71), a whole count reads "6", not "6.00".
 */
export function quantity(n: number): string {
  const rounded = Math.round(n * 100) / 100;
  // -0.001 rounds to -0: a person reads "0", not "-0"
  return String(rounded === 0 ? 0 : rounded);
}

/** Units of measure written as symbols: "2 kg", never "2 kgs". */
const SYMBOLS = /^(g|kg|ml|cl|dl|l|oz|fl oz|lb|lbs|gal)$/i;

/** The unit as it follows the quantity: singular only when the figure reads exactly 1 ("1 bottle", "0.87 bottles", "2 boxes", "2 kg"). */
export function unitFor(n: number, unit = 'bottle'): string {
  if (quantity(n) === '1' || SYMBOLS.test(unit) || /s$/i.test(unit)) return unit;
  return /(x|ch|sh)$/i.test(unit) ? `${unit}es` : `${unit}s`;
}

/** A quantity with its unit: "1 bottle", "0.87 bottles", "6 kegs". */
export function quantityOf(n: number, unit = 'bottle'): string {
  return `${quantity(n)} ${unitFor(n, unit)}`;
}
