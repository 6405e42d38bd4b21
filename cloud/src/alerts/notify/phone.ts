import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';

export class InvalidPhoneError extends Error {
  readonly field = 'phone';
  constructor(detail: string) {
    super(`phone: ${detail}`);
    this.name = 'InvalidPhoneError';
  }
}

/** A phone number as people type it → E.164 ("+15125550100"), or InvalidPhoneError saying why. */
export function toE164(input: string, defaultCountry: string): string {
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(input, defaultCountry.toUpperCase() as CountryCode);
  } catch (e) {
    throw new InvalidPhoneError(`cannot read ${JSON.stringify(input)} as a phone number (${(e as Error).message})`);
  }
  if (!parsed.isValid()) throw new InvalidPhoneError(`${parsed.number} is not a valid number in ${parsed.country ?? 'any country'}`);
  return parsed.number;
}

/** For logs: a phone number is personal data. "+15125550100" → "+1512•••0100". */
export function maskRecipient(r: string): string {
  if (/^\+\d{7,15}$/.test(r)) return `${r.slice(0, 5)}•••${r.slice(-4)}`;
  const at = r.indexOf('@');
  if (at > 0 && !r.startsWith('http')) return `${r[0]}•••${r.slice(at)}`;
  if (r.startsWith('http')) return `${new URL(r).host}/•••`;
  return r;
}
