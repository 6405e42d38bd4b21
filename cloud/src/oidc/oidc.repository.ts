import type { Queryable } from '../db/types.js';
import type { Role } from '../plugins/principal.js';

export interface IssuerRow {
  orgId: string;
  issuer: string;
  clientId: string;
  clientSecretSealed: string;
  allowedDomains: string[];
  defaultRole: Role;
  updatedAt: Date;
}
export interface LoginRow {
  id: string;
  orgId: string;
  codeVerifier: string;
  nonce: string;
  expiresAt: Date;
  usedAt: Date | null;
}

const ISSUER = `org_id AS "orgId", issuer, client_id AS "clientId", client_secret_sealed AS "clientSecretSealed",
  allowed_domains AS "allowedDomains", default_role AS "defaultRole", updated_at AS "updatedAt"`;

/** Each organisation's OpenID Connect issuer, and the sign-ins in flight. */
export class OidcRepository {
  constructor(private readonly db: Queryable) {}

  async get(orgId: string): Promise<IssuerRow | undefined> {
    const { rows } = await this.db.query<IssuerRow>(`SELECT ${ISSUER} FROM oidc_issuers WHERE org_id = $1`, [orgId]);
    return rows[0];
  }

  /** The organisation whose issuer admits this e-mail domain (a domain belongs to one organisation). */
  async findByDomain(domain: string): Promise<IssuerRow | undefined> {
    const { rows } = await this.db.query<IssuerRow>(`SELECT ${ISSUER} FROM oidc_issuers WHERE $1 = ANY (allowed_domains)`, [domain]);
    return rows[0];
  }

  /** Organisations other than this one that already claim any of these domains. */
  async domainsTaken(orgId: string, domains: string[]): Promise<string[]> {
    const { rows } = await this.db.query<{ d: string }>(
      `SELECT DISTINCT d FROM oidc_issuers, unnest(allowed_domains) AS d WHERE org_id <> $1 AND d = ANY ($2::text[])`,
      [orgId, domains],
    );
    return rows.map((row) => row.d);
  }

  async upsert(i: Omit<IssuerRow, 'updatedAt'>): Promise<IssuerRow> {
    const { rows } = await this.db.query<IssuerRow>(
      `INSERT INTO oidc_issuers (org_id, issuer, client_id, client_secret_sealed, allowed_domains, default_role)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id) DO UPDATE SET issuer = $2, client_id = $3, client_secret_sealed = $4, allowed_domains = $5,
         default_role = $6, updated_at = now()
       RETURNING ${ISSUER}`,
      [i.orgId, i.issuer, i.clientId, i.clientSecretSealed, i.allowedDomains, i.defaultRole],
    );
    return rows[0]!;
  }

  async remove(orgId: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM oidc_issuers WHERE org_id = $1', [orgId])).rowCount > 0;
  }

  async startLogin(l: { orgId: string; stateHash: string; codeVerifier: string; nonce: string; expiresAt: Date }): Promise<void> {
    await this.db.query('INSERT INTO oidc_logins (org_id, state_hash, code_verifier, nonce, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      l.orgId,
      l.stateHash,
      l.codeVerifier,
      l.nonce,
      l.expiresAt,
    ]);
  }

  /** Claims the sign-in a state names, once: a second callback with the same state finds it used. */
  async claimLogin(stateHash: string): Promise<LoginRow | undefined> {
    const { rows } = await this.db.query<LoginRow>(
      `UPDATE oidc_logins SET used_at = now() WHERE state_hash = $1 AND used_at IS NULL
       RETURNING id, org_id AS "orgId", code_verifier AS "codeVerifier", nonce, expires_at AS "expiresAt", used_at AS "usedAt"`,
      [stateHash],
    );
    return rows[0];
  }

  async pruneLogins(): Promise<number> {
    return (await this.db.query(`DELETE FROM oidc_logins WHERE expires_at < now() - interval '1 day'`)).rowCount;
  }
}
