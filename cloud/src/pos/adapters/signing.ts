import { createHmac, timingSafeEqual } from 'node:crypto';
import { unauthorized } from '../../errors.js';

/** base64(HMAC-SHA256(key, parts joined)): the scheme Square and Toast both sign with, over different parts. */
export function hmacBase64(key: string, ...parts: (string | Buffer)[]): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('base64');
}

/** One header's value; a repeated header is refused rather than guessed at. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === 'string' && value ? value : undefined;
}

/** Constant-time comparison of the signature sent with one computed. */
export function signatureMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The signature sent must be the one computed; 401 naming the header otherwise. */
export function checkSignature(given: string | undefined, expected: string, header: string): void {
  if (!given) throw unauthorized(`missing ${header} header`);
  if (!signatureMatches(given, expected)) throw unauthorized(`${header} does not match the body: wrong key or altered message`);
}

/** The secret a connection must hold to check its webhooks; 401 when it has none. */
export function webhookKey(key: string | undefined): string {
  if (!key) throw unauthorized('this connection has no webhook signature key');
  return key;
}
