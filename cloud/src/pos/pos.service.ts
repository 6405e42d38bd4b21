import { z } from 'zod';
import type { PosProvider } from '@smartstock/api';
import type { Db } from '../db/types.js';
import type { JobQueue } from '../jobs/index.js';
import { venueRecords } from '../venues/index.js';
import { auditLog } from '../audit/index.js';
import type { Actor } from '../plugins/http.js';
import { badRequest, notFound } from '../errors.js';
import { ConnectionRepository, type Connection } from './connection.repository.js';
import { SaleRepository } from './sale.repository.js';
import type { SecretBox, PosSecrets } from './secrets.js';
import type { SalesLedger } from './sales.js';
import type { PosAdapter } from './adapters/types.js';

export const FETCH_ORDER_JOB = 'pos_fetch_order';
const fetchOrderPayload = z.object({ connectionId: z.uuid(), orderId: z.string().min(1).max(200) });

export interface ConnectionRequest {
  provider: PosProvider;
  name?: string | undefined;
  venueId: string;
  locationId: string;
  providerLocationId?: string | undefined;
  credentials?: { accessToken?: string | undefined } | undefined;
  webhookSignatureKey?: string | undefined;
}

export interface PosServiceOptions {
  db: Db;
  jobs: JobQueue;
  ledger: SalesLedger;
  box: SecretBox;
  adapters: PosAdapter[];
  /** the cloud's public URL (config pos.publicBaseUrl, or the listening URL) */
  publicBaseUrl: () => string;
  fetchRetryDelaySeconds: number;
}

/** POS connections, their webhooks, the order fetches behind them, and what the sales left unmapped. */
export class PosService {
  private readonly adapters: Map<PosProvider, PosAdapter>;
  constructor(private readonly o: PosServiceOptions) {
    this.adapters = new Map(o.adapters.map((a) => [a.provider, a]));
  }

  /** Order fetches run from the job queue: a POS API that is down is retried with backoff, never lost. */
  async registerJobs(): Promise<void> {
    await this.o.jobs.register(FETCH_ORDER_JOB, {
      payload: fetchOrderPayload,
      retries: 8,
      retryDelaySeconds: this.o.fetchRetryDelaySeconds,
      timeoutSeconds: 60,
      concurrency: 8,
      run: (p, ctx) => this.fetchAndApply(ctx.orgId, p.connectionId, p.orderId, ctx.signal),
    });
  }

  async createConnection(a: Actor, r: ConnectionRequest) {
    const webhookPosts = r.provider !== 'csv';
    if (webhookPosts && !r.webhookSignatureKey)
      throw badRequest(`a ${r.provider} connection needs its webhook signature key`, 'webhookSignatureKey');
    if (r.provider === 'square' && !r.credentials?.accessToken)
      throw badRequest('a Square connection needs an access token to read orders', 'credentials.accessToken');
    const secrets: PosSecrets = { accessToken: r.credentials?.accessToken, webhookSignatureKey: r.webhookSignatureKey };
    const conn = await this.o.db.transaction(async (tx) => {
      const loc = await venueRecords(tx).getLocation(a.orgId, r.locationId);
      if (!loc) throw notFound('location');
      if (loc.venueId !== r.venueId) throw badRequest('the location is not one of this venue', 'locationId');
      const c = await new ConnectionRepository(tx).create(a.orgId, {
        venueId: r.venueId,
        locationId: r.locationId,
        provider: r.provider,
        name: r.name ?? `${r.provider} · ${loc.name}`,
        providerLocationId: r.providerLocationId ?? null,
        secrets: secrets.accessToken || secrets.webhookSignatureKey ? this.o.box.seal(secrets) : null,
      });
      await auditLog(tx).record(a.orgId, { userId: a.userId, action: 'create', entity: 'pos_connection', entityId: c.id });
      return c;
    });
    return this.present(conn);
  }

  async listConnections(orgId: string) {
    return (await new ConnectionRepository(this.o.db).list(orgId)).map((c) => this.present(c));
  }

  async connection(orgId: string, id: string): Promise<Connection> {
    const c = await new ConnectionRepository(this.o.db).get(orgId, id);
    if (!c) throw notFound('POS connection');
    return c;
  }

  /** The URL the POS posts to; its signature covers it, so it is built from the public base URL. */
  webhookUrl(c: Pick<Connection, 'id' | 'provider'>): string | null {
    if (c.provider === 'csv') return null;
    return `${this.o.publicBaseUrl().replace(/\/$/, '')}/api/v1/pos/${c.provider}/webhook/${c.id}`;
  }

  /**
   * A webhook delivery: verified before anything is written (401 otherwise), acknowledged once
   * its order fetches are queued; the fetch and the ledger run from the job queue.
   */
  async webhook(provider: PosProvider, connectionId: string, rawBody: Buffer, headers: Record<string, string | string[] | undefined>) {
    const repo = new ConnectionRepository(this.o.db);
    const conn = await repo.forWebhook(connectionId);
    const adapter = this.adapters.get(provider);
    if (!conn || conn.provider !== provider || !adapter) throw notFound('POS connection');
    adapter.verifyWebhook({ rawBody, headers, notificationUrl: this.webhookUrl(conn)! }, this.secrets(conn));
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw badRequest('the webhook body is not JSON', 'body');
    }
    const event = adapter.readEvent(body);
    const ours = !conn.providerLocationId || !event.providerLocationId || event.providerLocationId === conn.providerLocationId;
    return this.o.db.transaction(async (tx) => {
      const r = new ConnectionRepository(tx);
      if (!(await r.firstDelivery(conn.orgId, conn.id, event.eventId, event.type))) return { received: true, duplicate: true, jobIds: [] };
      await r.recordEvent(conn.orgId, conn.id);
      const jobIds: string[] = [];
      for (const orderId of ours ? event.orderIds : [])
        jobIds.push(await this.o.jobs.enqueue(FETCH_ORDER_JOB, { connectionId: conn.id, orderId }, { orgId: conn.orgId, tx }));
      return { received: true, duplicate: false, jobIds };
    });
  }

  /** Sales of the venue that waited for a recipe; called when one is saved. */
  async applyWaiting(orgId: string, venueId: string): Promise<number> {
    const waiting = await new SaleRepository(this.o.db).waiting(orgId, venueId);
    const byConn = new Map<string, string[]>();
    for (const l of waiting) byConn.set(l.connectionId, [...(byConn.get(l.connectionId) ?? []), l.lineUid]);
    let applied = 0;
    for (const [id, uids] of byConn) applied += await this.o.ledger.applyWaiting(await this.connection(orgId, id), uids);
    return applied;
  }

  async unmapped(orgId: string, venueId: string) {
    if (!(await venueRecords(this.o.db).getVenue(orgId, venueId))) throw notFound('venue');
    return new SaleRepository(this.o.db).unmapped(orgId, venueId);
  }

  async coverage(orgId: string, venueId: string, from: Date, to: Date) {
    if (from >= to) throw badRequest('from must be before to', 'from');
    if (!(await venueRecords(this.o.db).getVenue(orgId, venueId))) throw notFound('venue');
    const c = await new SaleRepository(this.o.db).coverage(orgId, venueId, from, to);
    return {
      venueId,
      from,
      to,
      ...c,
      byCount: c.lines ? c.mappedLines / c.lines : null,
      byRevenue: c.revenueCents ? c.mappedRevenueCents / c.revenueCents : null,
    };
  }

  private async fetchAndApply(orgId: string, connectionId: string, orderId: string, signal: AbortSignal) {
    const conn = await new ConnectionRepository(this.o.db).get(orgId, connectionId);
    if (!conn) return { skipped: 'connection deleted' };
    const adapter = this.adapters.get(conn.provider);
    if (!adapter) throw new Error(`no adapter for ${conn.provider}`);
    try {
      const order = await adapter.fetchOrder(orderId, { secrets: this.secrets(conn), signal });
      return await this.o.ledger.applyOrder(conn, order);
    } catch (e) {
      await new ConnectionRepository(this.o.db).recordError(orgId, conn.id, (e as Error).message).catch(() => undefined);
      throw e;
    }
  }

  private secrets(c: Connection): PosSecrets {
    return c.secrets ? this.o.box.open(c.secrets) : {};
  }

  private present(c: Connection) {
    return {
      id: c.id,
      provider: c.provider,
      name: c.name,
      venueId: c.venueId,
      locationId: c.locationId,
      providerLocationId: c.providerLocationId,
      hasSecrets: !!c.secrets,
      webhookUrl: this.webhookUrl(c),
      health: { lastEventAt: c.lastEventAt, lastError: c.lastError, lastErrorAt: c.lastErrorAt, eventsToday: c.eventsToday },
      createdAt: c.createdAt,
    };
  }
}
