import webpush from 'web-push';
import type { Queryable } from '../../db/types.js';
import { VapidKeyRepository } from './vapid.repository.js';

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
  const keys = new VapidKeyRepository(db);
  const fresh = webpush.generateVAPIDKeys();
  await keys.insertIfAbsent({ publicKey: fresh.publicKey, privateKey: fresh.privateKey, subject });
  const kept = (await keys.get())!;
  // The subject (a contact for the push service) follows the config; the keys never change.
  return { subject, publicKey: kept.publicKey, privateKey: kept.privateKey };
}
