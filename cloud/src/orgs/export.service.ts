import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/types.js';
import type { JobQueue } from '../jobs/index.js';
import { auditLog } from '../audit/index.js';
import { notFound, AppError } from '../errors.js';
import type { Actor } from '../plugins/http.js';
import { ExportRepository } from './export.repository.js';
import { OrgRepository } from './org.repository.js';
import { exportCsv } from './export-csv.js';

export const EXPORT_JOB = 'org_export';

/**
 * An organisation's own export of all its data: a job on the queue gathers every table with
 * its org_id (and its people), as one JSON document and one CSV; the owner downloads them when done.
 */
export class ExportService {
  constructor(
    private readonly db: Db,
    private readonly jobs: JobQueue,
    private readonly retentionDays: number,
  ) {}

  async registerJobs(): Promise<void> {
    await this.jobs.register(EXPORT_JOB, {
      payload: z.object({ exportId: z.uuid() }),
      retries: 1,
      timeoutSeconds: 600,
      run: (p, ctx) => this.build(ctx.orgId, p.exportId),
    });
  }

  async request(a: Actor) {
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await new ExportRepository(tx).create(a.orgId, id, a.userId);
      await this.jobs.enqueue(EXPORT_JOB, { exportId: id }, { orgId: a.orgId, tx, id });
      await auditLog(tx).record(a.orgId, { userId: a.userId, action: 'export', entity: 'organisation', entityId: a.orgId });
    });
    return this.get(a.orgId, id);
  }

  async get(orgId: string, id: string) {
    const row = await new ExportRepository(this.db).get(orgId, id);
    if (!row) throw notFound('export');
    const job = await this.jobs.get(orgId, id);
    return { ...row, status: row.finishedAt ? ('done' as const) : (job?.status ?? 'queued') };
  }

  async download(orgId: string, id: string, format: 'json' | 'csv'): Promise<string> {
    const body = await new ExportRepository(this.db).file(orgId, id, format);
    if (body === undefined) throw notFound('export');
    if (body === null) throw new AppError(409, 'export-not-ready', 'this export is not finished yet: ask again when its status is done');
    return body;
  }

  prune(): Promise<number> {
    return new ExportRepository(this.db).prune(this.retentionDays);
  }

  /** The job: reads every table of the organisation and stores both files. */
  private async build(orgId: string, id: string): Promise<{ tables: number; rows: number }> {
    const repo = new ExportRepository(this.db);
    const org = await new OrgRepository(this.db).get(orgId);
    const data: Record<string, Record<string, unknown>[]> = { people: await repo.people(orgId) };
    for (const t of await repo.orgTables()) data[t.table] = await repo.rowsOf(t, orgId);
    const rows = Object.values(data).reduce((n, r) => n + r.length, 0);
    const tables = Object.keys(data).length;
    const json = JSON.stringify({ organisation: org, exportedAt: new Date().toISOString(), tables: data }, null, 1);
    await repo.finish(orgId, id, { json, csv: exportCsv(data), tables, rows });
    return { tables, rows };
  }
}
