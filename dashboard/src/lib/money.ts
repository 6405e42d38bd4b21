// Money as the venue's people read it: in the venue's currency (its own, else the
// organisation's: the cloud answers which), in the browser's locale. Every amount the
// dashboard shows goes through here, so no view prints a bare "297.00".

/** Where the currency shown comes from; app.svelte wires it to the selected venue, so views re-render when it changes. */
let currencyOf: () => string | undefined = () => undefined;
export function showMoneyIn(source: () => string | undefined): void {
  currencyOf = source;
}

const formats = new Map<string, Intl.NumberFormat>();
/** An amount in a currency (ISO 4217), in `locale` (the browser's by default): "£297.00", "297,00 €", "¥1,200". */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const key = `${locale ?? ''}/${currency}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  return f.format(amount);
}

/** An amount in the selected venue's currency; a dash for none. */
export const money = (v: number | null | undefined, currency = currencyOf()): string =>
  v === null || v === undefined ? '–' : currency ? formatMoney(v, currency) : v.toFixed(2);
/** An amount the POS gives in the currency's minor unit (cents, pence). */
export const cents = (c: number) => money(c / 100);
/** " (GBP)" after a price field's label, so what is typed is read in the right currency; empty while unknown. */
export const inCurrency = (currency = currencyOf()): string => (currency ? ` (${currency})` : '');
