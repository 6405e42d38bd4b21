import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** A phone number that cannot be used, in words a manager understands ("07911 12345 is not a valid UK mobile number"). */
export class InvalidPhoneError extends Error {
  readonly field = 'phone';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPhoneError';
  }
}

const regions = new Intl.DisplayNames(['en'], { type: 'region' });
/** How people name the country in a sentence: "UK" and "US" rather than "United Kingdom" and "United States". */
const SHORT: Record<string, string> = { GB: 'UK', US: 'US' };
export const countryName = (code: string): string => SHORT[code] ?? regions.of(code) ?? code;

/**
 * A phone number as people type it, read in the venue's country ("07911 123456" at a London venue
 * is +447911123456), → E.164. `mobile`: the number is for text messages, so a landline is refused
 * (in the US and Canada the numbering plan cannot tell the two apart, so those pass).
 */
export function toE164(input: string, country: string, options: { mobile?: boolean } = {}): string {
  const typed = input.trim();
  const home = country.toUpperCase() as CountryCode;
  const kind = options.mobile ? 'mobile number' : 'phone number';
  const parsed = /\d/.test(typed) && !/[a-z]{2,}/i.test(typed) ? parsePhoneNumberFromString(typed, home) : undefined;
  if (!parsed)
    throw new InvalidPhoneError(`${typed || 'an empty value'} is not a phone number: type it as you would dial it, e.g. ${example(home)}`);
  // a number typed with its own +code is judged in that country, one typed as a local in the venue's
  if (!parsed.isValid()) {
    if (typed.startsWith('+') && !parsed.country) throw new InvalidPhoneError(`${typed} is not a valid ${kind} in any country`);
    throw new InvalidPhoneError(`${typed} is not a valid ${countryName(parsed.country ?? home)} ${kind}`);
  }
  const where = countryName(parsed.country ?? home);
  const type = parsed.getType();
  if (options.mobile && type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE' && type !== 'PERSONAL_NUMBER')
    throw new InvalidPhoneError(
      `${typed} is a ${where} ${type === 'FIXED_LINE' ? 'landline' : 'number that is not a mobile'}: text messages need a mobile number`,
    );
  return parsed.number;
}

const EXAMPLES: Record<string, string> = { GB: '07700 900123', US: '(512) 555-0100', IL: '050-234-5678' };
const example = (c: string) => EXAMPLES[c] ?? '+44 7700 900123';
