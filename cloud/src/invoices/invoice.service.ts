import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { AppError, notFound } from '../errors.js';
import type { JobContext, JobQueue } from '../jobs/index.js';
import { blobKey, readBlob, withBlob, type BlobStore } from '../blobs/index.js';
import { itemRecords } from '../inventory/index.js';
import { supplierRecords } from '../suppliers/index.js';
import { venueRecords } from '../venues/index.js';
import type { OrderService } from '../orders/index.js';
import type { Actor } from '../plugins/http.js';
import { InvoiceRepository, type InvoiceStatus } from './invoice.repository.js';
import { ItemMatcher } from './reading/match.js';
import type { Ocr } from './reading/ocr.js';
import { findSupplier, parseInvoice, supplierGuess } from './reading/parse.js';
import { readPdf } from './reading/pdf.js';
import { checkPhoto, fileKind, readInvoice } from './reading/read.js';
import { present, type Presented } from './present.js';

/** The job queue's name for reading an uploaded invoice. */
export const READ_INVOICE = 'invoice_read';
/** A phone photo or a supplier's PDF is a few MB; more is not an invoice. */
export const MAX_INVOICE_BYTES = 15 * 1024 * 1024;
const OPEN = ['sent', 'partly_received'] as const;

export interface InvoiceDeps {
  db: Db;
  jobs: JobQueue;
  blobs: BlobStore;
  orders: Pick<OrderService, 'list' | 'get' | 'receive'>;
  ocr: Ocr;
  logger: Logger;
  jobTimeoutSeconds?: number;
}

/** Supplier invoices: uploaded (blob, then a job), read into lines matched to items, reviewed, approved. */
export class InvoiceService {
  private readonly log: Logger;
  constructor(private readonly deps: InvoiceDeps) {
    this.log = deps.logger.child({ module: 'invoices' });
  }

  async registerJobs(): Promise<void> {
    await this.deps.jobs.register(READ_INVOICE, {
      payload: z.object({ invoiceId: z.uuid() }),
      run: (p, ctx) => this.read(p.invoiceId, ctx),
      retries: 1,
      retryDelaySeconds: 5,
      timeoutSeconds: this.deps.jobTimeoutSeconds ?? 600,
    });
  }

  /** Checks the venue, then the file (kind, pages, something to read), keeps it, and sends the job that reads it. */
  async upload(a: Actor, venueId: string, file: () => Promise<Buffer>): Promise<{ id: string; status: 'queued' }> {
    if (!(await venueRecords(this.deps.db).getVenue(a.orgId, venueId))) throw notFound('venue');
    const body = await file();
    if (!body.length) throw new AppError(400, 'unreadable_file', 'the upload is empty: send the PDF or the photo as the body', 'file');
    const kind = fileKind(body);
    const pages = kind === 'pdf' ? (await readPdf(body)).pages : (await checkPhoto(body), 1);
    const id = randomUUID();
    const key = blobKey(a.orgId, 'invoice', [], kind, id);
    await withBlob(this.deps.blobs, key, body, kind === 'pdf' ? 'application/pdf' : kind === 'jpg' ? 'image/jpeg' : 'image/png', () =>
      this.deps.db.transaction(async (tx) => {
        await new InvoiceRepository(tx).create(a.orgId, { id, venueId, blobKey: key, fileKind: kind, pages, createdBy: a.userId });
        await this.deps.jobs.enqueue(READ_INVOICE, { invoiceId: id }, { orgId: a.orgId, tx, id });
      }),
    );
    return { id, status: 'queued' };
  }

  async list(orgId: string, f: { venueId?: string | undefined; status?: InvoiceStatus | undefined; limit: number }) {
    const invoices = await new InvoiceRepository(this.deps.db).list(orgId, f);
    return Promise.all(invoices.map((i) => this.get(orgId, i.id)));
  }

  /** The invoice as read, its lines with their items, and what a person must settle before approving. */
  async get(orgId: string, id: string): Promise<Presented> {
    const repo = new InvoiceRepository(this.deps.db);
    const inv = await repo.get(orgId, id);
    if (!inv) throw notFound('invoice');
    const lines = await repo.lines(orgId, id);
    const ids = [...new Set(lines.map((l) => l.itemId).filter((x): x is string => !!x))];
    const items = new Map<string, string>();
    for (const itemId of ids) {
      const it = await itemRecords(this.deps.db).get(orgId, itemId);
      if (it) items.set(it.id, it.name);
    }
    return present(inv, lines, items);
  }

  /** The job: text (PDF text layer or OCR) → header and lines → items, supplier and open order → review. */
  private async read(id: string, ctx: JobContext) {
    const repo = new InvoiceRepository(this.deps.db);
    const inv = await repo.get(ctx.orgId, id);
    if (!inv || inv.status !== 'processing') return { skipped: true };
    try {
      const body = await readBlob(this.deps.blobs, inv.blobKey);
      if (!body) throw new AppError(410, 'gone', 'the uploaded file is gone from storage; upload it again');
      const pages = await readInvoice(body, inv.fileKind, this.deps.ocr);
      const parsed = parseInvoice(pages.words);
      const suppliers = await supplierRecords(this.deps.db).list(ctx.orgId);
      const supplier = findSupplier(parsed.heading, suppliers);
      const offers = supplier ? await supplierRecords(this.deps.db).offers(ctx.orgId, { supplierId: supplier.id }) : [];
      const codes = new Map(offers.map((offer) => [offer.itemId, offer.supplierCode]));
      const items = await itemRecords(this.deps.db).list(ctx.orgId, { limit: 10_000 });
      const matcher = new ItemMatcher(
        items.map((i) => ({ itemId: i.id, name: i.name, sku: i.sku, supplierCode: codes.get(i.id) ?? null })),
      );
      const order = supplier ? await this.openOrder(ctx.orgId, inv.venueId, supplier.id) : null;
      await repo.saveReading(ctx.orgId, id, {
        source: pages.source,
        pages: pages.pages,
        supplierId: supplier?.id ?? null,
        supplierName: supplier?.name ?? supplierGuess(parsed.heading),
        invoiceNumber: parsed.invoiceNumber,
        invoiceDate: parsed.invoiceDate,
        orderId: order,
        lines: parsed.lines.map((l) => {
          const m = matcher.match(l);
          return { ...l, itemId: m.itemId, matchedBy: m.by, matchScore: m.score };
        }),
      });
      ctx.log.info({ invoiceId: id, lines: parsed.lines.length, source: pages.source }, 'invoice read');
      return { invoiceId: id, lines: parsed.lines.length };
    } catch (e) {
      // a file that cannot be read fails at once; anything else is retried, then fails with its reason
      if (e instanceof AppError || ctx.lastAttempt) {
        await repo.fail(ctx.orgId, id, (e as Error).message);
        this.log.warn({ invoiceId: id, err: e }, 'invoice not read');
      }
      if (e instanceof AppError) return { invoiceId: id, failed: e.message };
      throw e;
    }
  }

  /** The supplier's latest order for the venue still waiting for its delivery. */
  private async openOrder(orgId: string, venueId: string, supplierId: string): Promise<string | null> {
    for (const status of OPEN) {
      const order = (await this.deps.orders.list(orgId, { venueId, status, limit: 50 })).find(
        (candidate) => candidate.supplierId === supplierId,
      );
      if (order) return order.id;
    }
    return null;
  }
}
