// The currency a new organisation is offered at sign-up: the one of the browser's region, so a
// bar in London starts in GBP without touching the select; EUR where the region is unknown.

/** The codes the sign-up select lists first; any other ISO 4217 code is set later on Suppliers. */
export const COMMON_CURRENCIES = ['EUR', 'GBP', 'USD', 'CHF', 'CAD', 'AUD', 'NZD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'JPY', 'ZAR'];

const EURO_AREA = 'AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK AD MC SM VA ME XK'.split(' ');
const BY_REGION: Record<string, string> = {
  ...Object.fromEntries(EURO_AREA.map((region) => [region, 'EUR'])),
  GB: 'GBP',
  IM: 'GBP',
  JE: 'GBP',
  GG: 'GBP',
  US: 'USD',
  PR: 'USD',
  CH: 'CHF',
  LI: 'CHF',
  CA: 'CAD',
  AU: 'AUD',
  NZ: 'NZD',
  SE: 'SEK',
  NO: 'NOK',
  DK: 'DKK',
  PL: 'PLN',
  CZ: 'CZK',
  HU: 'HUF',
  JP: 'JPY',
  ZA: 'ZAR',
};

/** The currency of a locale's region ("en-GB" → GBP, "de" → EUR via Germany); EUR when unknown. */
export function currencyForLocale(locale: string | undefined): string {
  if (!locale) return 'EUR';
  try {
    const region = new Intl.Locale(locale).maximize().region;
    return (region && BY_REGION[region]) || 'EUR';
  } catch {
    return 'EUR'; // a malformed tag (some browsers send "C") is no reason to stop a sign-up
  }
}
