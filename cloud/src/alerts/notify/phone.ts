// The notifier reads numbers with the shared reader (the venue's country, plain-words errors).
export { InvalidPhoneError, toE164 } from '../../plugins/phone.js';

/** For logs: a phone number is personal data. "+15125550100" → "+1512•••0100". */
export function maskRecipient(r: string): string {
  if (/^\+\d{7,15}$/.test(r)) return `${r.slice(0, 5)}•••${r.slice(-4)}`;
  const at = r.indexOf('@');
  if (at > 0 && !r.startsWith('http')) return `${r[0]}•••${r.slice(at)}`;
  if (r.startsWith('http')) return `${new URL(r).host}/•••`;
  return r;
}
