import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/types.js';
import type { JobQueue } from '../jobs/index.js';
import { auditLog } from '../audit/index.js';
import { notFound, AppError } from '../errors.js';
import type { Actor } from '../plugins/http.js';
import { parseKey, type BlobStore } from '../blobs/index.js';
import { ExportRepository, type ExportManifest, type FileRef } from './export.repository.js';
import { OrgRepository } from './org.repository.js';
import { exportCsv } from './export-csv.js';
import { tarStream, type TarEntry } from './tar.js';

export const EXPORT_JOB = 'org_export';

/** Columns that name a blob: `<something>_key` holding a key of this cloud's shape. */
const KEY_COLUMN = /(^|_)key$/;

/**
 * An organisation's own export of all its data: a job on the queue gathers every table with
 * its org_id (and its people), as one JSON document and one CSV, and the manifest of its files in
 * object storage; the owner downloads the documents, or one tar with them and every file.
 */
export class ExportService {
  constructor(
    private readonly db: Db,
    private readonly jobs: JobQueue,
    private readonly retentionDays: number,
    /** the organisation's files (snapshots, photos, crops, invoices, order PDFs); absent: an export of rows only */
    private readonly blobs?: BlobStore,
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

  /**
   * The tar: export.json, export.csv, manifest.json, then files/<kind>/… from the store one at a
   * time (each streamed, none held whole), and missing.json naming any file deleted since the job
   * (retention) where there is one. The caller streams it to the response.
   */
  async archive(orgId: string, id: string): Promise<AsyncGenerator<Buffer>> {
    const a = await new ExportRepository(this.db).archive(orgId, id);
    if (a === undefined) throw notFound('export');
    if (a === null) throw new AppError(409, 'export-not-ready', 'this export is not finished yet: ask again when its status is done');
    const blobs = this.blobs;
    const at = new Date();
    async function* entries(): AsyncGenerator<TarEntry> {
      const doc = (path: string, text: string): TarEntry => {
        const body = Buffer.from(text);
        return { path, size: body.length, mtime: at, body };
      };
      yield doc('export.json', a!.json);
      yield doc('export.csv', a!.csv);
      yield doc('manifest.json', JSON.stringify(a!.manifest, null, 1));
      const missing: string[] = [];
      for (const f of a!.manifest.files) {
        const got = await blobs?.get(f.key);
        if (!got) {
          missing.push(f.key);
          continue;
        }
        yield { path: f.path, size: got.info.size, mtime: got.info.lastModified, body: got.body };
      }
      if (missing.length) yield doc('missing.json', JSON.stringify({ deletedSinceTheExport: missing }, null, 1));
    }
    return tarStream(entries());
  }

  /** The job: reads every table of the organisation, lists its files, and stores both documents and the manifest. */
  private async build(orgId: string, id: string): Promise<{ tables: number; rows: number; files: number }> {
    const repo = new ExportRepository(this.db);
    const org = await new OrgRepository(this.db).get(orgId);
    const data: Record<string, Record<string, unknown>[]> = { people: await repo.people(orgId) };
    for (const t of await repo.orgTables()) data[t.table] = await repo.rowsOf(t, orgId);
    const rows = Object.values(data).reduce((n, r) => n + r.length, 0);
    const tables = Object.keys(data).length;
    const { manifest, fileBytes } = await this.manifest(orgId, data);
    const json = JSON.stringify({ organisation: org, exportedAt: new Date().toISOString(), tables: data }, null, 1);
    await repo.finish(orgId, id, { json, csv: exportCsv(data), tables, rows, manifest, fileBytes });
    return { tables, rows, files: manifest.files.length };
  }

  /** Every blob under the organisation's prefix, each with the rows that name it (found by column name, so new tables count). */
  private async manifest(orgId: string, data: Record<string, Record<string, unknown>[]>) {
    const refs = new Map<string, FileRef[]>();
    for (const [table, list] of Object.entries(data))
      list.forEach((r, i) => {
        for (const [column, v] of Object.entries(r)) {
          if (!KEY_COLUMN.test(column) || typeof v !== 'string' || parseKey(v)?.orgId !== orgId) continue;
          const id = typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id) : null;
          refs.set(v, [...(refs.get(v) ?? []), { table, row: i + 1, id, column }]);
        }
      });
    const prefix = `org/${orgId}/`;
    const manifest: ExportManifest = { files: [], rowsWithoutFile: [] };
    let fileBytes = 0;
    if (this.blobs)
      for await (const b of this.blobs.list(prefix)) {
        manifest.files.push({
          key: b.key,
          path: `files/${b.key.slice(prefix.length)}`,
          size: b.size,
          lastModified: b.lastModified.toISOString(),
          rows: refs.get(b.key) ?? [],
        });
        fileBytes += b.size;
        refs.delete(b.key);
      }
    manifest.files.sort((x, y) => x.key.localeCompare(y.key));
    for (const [key, r] of refs) for (const ref of r) manifest.rowsWithoutFile.push({ ...ref, key });
    return { manifest, fileBytes };
  }
}
