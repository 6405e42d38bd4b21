import type { Queryable } from '../../db/types.js';

/** The installation's one VAPID key pair (row id 1). */
export class VapidKeyRepository {
  constructor(private readonly db: Queryable) {}

  /** Keeps the first pair written: several instances starting at once agree on it. */
  async insertIfAbsent(k: { publicKey: string; privateKey: string; subject: string }): Promise<void> {
    await this.db.query(
      'INSERT INTO vapid_keys (id, public_key, private_key, subject) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING',
      [k.publicKey, k.privateKey, k.subject],
    );
  }

  async get(): Promise<{ publicKey: string; privateKey: string } | undefined> {
    const { rows } = await this.db.query<{ publicKey: string; privateKey: string }>(
      'SELECT public_key AS "publicKey", private_key AS "privateKey" FROM vapid_keys WHERE id = 1',
    );
    return rows[0];
  }
}
