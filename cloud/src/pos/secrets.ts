import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSecret } from '@smartstock/pki';

/**
 * What a connection keeps secret: the POS API's credentials (Square: an access token; Toast:
 * an OAuth client id and secret) and the webhook subscription's signature key.
 */
export interface PosSecrets {
  accessToken?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  webhookSignatureKey?: string | undefined;
}

const VERSION = 'v1';

/** AES-256-GCM with a random 96-bit nonce per value: "v1.nonce.tag.ciphertext", base64url. */
export class SecretBox {
  private readonly key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the POS secret key must be 32 bytes');
    this.key = key;
  }

  seal(s: PosSecrets): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(JSON.stringify(s), 'utf8'), c.final()]);
    return [VERSION, iv, c.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string): PosSecrets {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== VERSION || !iv || !tag || body === undefined) throw new Error('sealed POS secrets in an unknown format');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    // a wrong key or altered ciphertext throws here (the tag does not match)
    return JSON.parse(Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8')) as PosSecrets;
  }
}

/** The configured key (base64 of 32 bytes), or, for one embedded instance, one generated once into the data directory. */
export function posSecretKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const path = join(dataDir, 'pos-secret-key');
  if (!existsSync(path)) writeSecret(path, randomBytes(32).toString('base64'));
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}
