/** POS secrets at rest: AES-256-GCM with a configured key, or one generated into the data directory. */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../src/config.js';
import { SecretBox, posSecretKey } from '../../src/pos/secrets.js';

describe('POS secrets', () => {
  const secrets = { accessToken: 'EAAA-token', webhookSignatureKey: 'whsk-key' };

  it('seals each value with its own nonce and opens it only with the same key, untampered', () => {
    const key = randomBytes(32);
    const box = new SecretBox(key);
    const a = box.seal(secrets);
    expect(a).not.toBe(box.seal(secrets));
    expect(a).not.toContain('EAAA-token');
    expect(box.open(a)).toEqual(secrets);
    expect(() => new SecretBox(randomBytes(32)).open(a)).toThrow();
    const [v, iv, tag, body] = a.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });

  it('generates the embedded key once, readable by its owner only, and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-key-'));
    const k = posSecretKey(undefined, dir);
    expect(k).toHaveLength(32);
    expect(statSync(join(dir, 'pos-secret-key')).mode & 0o777).toBe(0o600);
    expect(posSecretKey(undefined, dir).equals(k)).toBe(true);
    expect(readFileSync(join(dir, 'pos-secret-key'), 'utf8').trim()).toBe(k.toString('base64'));
  });

  it('validates SMARTSTOCK_POS_SECRET_KEY at start-up, naming the key and not echoing it', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => loadCloudConfig({ environment: { SMARTSTOCK_POS_SECRET_KEY: short } })).toThrow(
      /^config error: pos\.secretKey: expected base64 of 32 random bytes \(from env SMARTSTOCK_POS_SECRET_KEY\)$/,
    );
    const good = randomBytes(32).toString('base64');
    expect(loadCloudConfig({ environment: { SMARTSTOCK_POS_SECRET_KEY: good } }).pos.secretKey).toBe(good);
    expect(() => loadCloudConfig({ environment: { PUBLIC_BASE_URL: 'ftp://bar.example.com' } })).toThrow(/pos\.publicBaseUrl/);
  });
});
