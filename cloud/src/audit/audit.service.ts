import type { z } from 'zod';
import type { auditPage } from '@smartstock/api';
import type { Db } from '../db/types.js';
import { badRequest } from '../errors.js';
import { AuditRepository, type AuditFilter } from './audit.repository.js';

export type AuditPage = z.infer<typeof auditPage>;

/** The audit trail read back: the organisation's rows, newest first, a page at a time. */
export class AuditService {
  constructor(private readonly db: Db) {}

  async page(orgId: string, f: Omit<AuditFilter, 'before'> & { cursor?: string | undefined }): Promise<AuditPage> {
    if (f.from && f.to && f.from >= f.to) throw badRequest('from must be before to', 'from');
    const before = f.cursor === undefined ? undefined : cursor(f.cursor);
    const rows = await new AuditRepository(this.db).page(orgId, { ...f, before, limit: f.limit + 1 });
    const entries = rows.slice(0, f.limit).map(({ userId, email, name, ...r }) => ({
      ...r,
      actor: userId ? { id: userId, email, name } : null,
    }));
    return { entries, nextCursor: rows.length > f.limit ? entries[entries.length - 1]!.id : null };
  }
}

function cursor(s: string): bigint {
  if (!/^[1-9][0-9]{0,18}$/.test(s)) throw badRequest('cursor is not one this API issued', 'cursor');
  return BigInt(s);
}
