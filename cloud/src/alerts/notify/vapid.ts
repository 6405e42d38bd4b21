import webpush from 'web-push';
import type { Queryable } from '../../db/types.js';

export interface VapidKeys {
  subject: string;
  publicKey: string;
  privateKey: string;
}

/**
 * The installation's VAPID key pair: generated at first start and kept in the
 * database, because every browser subscription is bound to the public key.
 * Several instances starting at once agree on the first row written.
 */
export async function ensureVapidKeys(db: Queryable, subject: string): Promise<VapidKeys> {
  const fresh = webpush.generateVAPIDKeys();
  await db.query('INSERT INTO vapid_keys (id, public_key, private_key, subject) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING', [
    fresh.publicKey,
    fresh.privateKey,
    subject,
  ]);
  const { rows } = await db.query<{ publicKey: string; privateKey: string }>(
    'SELECT public_key AS "publicKey", private_key AS "privateKey" FROM vapid_keys WHERE id = 1',
  );
  // The subject (a contact for the push service) follows the config; the keys never change.
  return { subject, publicKey: rows[0]!.publicKey, privateKey: rows[0]!.privateKey };
}
