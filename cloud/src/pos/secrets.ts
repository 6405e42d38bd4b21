import { SecretBox as Box, secretKey } from '../plugins/secret-box.js';

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

/** AES-256-GCM at rest (plugins/secret-box.ts), shared with the OIDC client secrets. */
export class SecretBox extends Box<PosSecrets> {
  constructor(key: Buffer) {
    super(key, 'POS secrets');
  }
}

/** The configured key, or one generated once into the data directory. */
export const posSecretKey = (configured: string | undefined, dataDir: string): Buffer => secretKey(configured, dataDir, 'pos-secret-key');
