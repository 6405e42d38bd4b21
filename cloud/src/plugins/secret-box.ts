import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSecret } from '@smartstock/pki';

const VERSION = 'v1';

/**
 * Secrets at rest (POS tokens, OIDC client secrets): AES-256-GCM with a random 96-bit nonce
 * per value, "v1.nonce.tag.ciphertext" in base64url. A wrong key or an altered value throws on open.
 */
export class SecretBox<T> {
  private readonly key: Buffer;
  constructor(
    key: Buffer,
    /** what the box keeps, for its error messages: "POS secrets", "OIDC client secret" */
    private readonly what: string,
  ) {
    if (key.length !== 32) throw new Error(`the key for ${what} must be 32 bytes`);
    this.key = key;
  }

  seal(value: T): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  open(sealed: string): T {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== VERSION || !iv || !tag || body === undefined) throw new Error(`sealed ${this.what} in an unknown format`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')) as T;
  }
}

/** The configured key (base64 of 32 bytes), or, for one embedded instance, one generated once into the data directory. */
export function secretKey(configured: string | undefined, dataDir: string, fileName: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const path = join(dataDir, fileName);
  if (!existsSync(path)) writeSecret(path, randomBytes(32).toString('base64'));
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}
