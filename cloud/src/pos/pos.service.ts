import { z } from 'zod';
import type { PosProvider } from '@smartstock/api';
import type { Db } from '../db/types.js';
import type { JobQueue } from '../jobs/index.js';
import { venueRecords } from '../venues/index.js';
import { auditLog } from '../audit/index.js';
import type { Actor } from '../plugins/http.js';
import { badRequest, notFound } from '../errors.js';
import { knownTimeZone } from '../plugins/time-zone.js';
import { ConnectionRepository, type Connection } from './connection.repository.js';
import { SaleRepository } from './sale.repository.js';
import type { SecretBox, PosSecrets } from './secrets.js';
import type { SalesLedger } from './sales.js';
import type { PosAdapter, PosOrder } from './adapters/types.js';
import { posOrderPayload } from './adapters/order-payload.js';

/** Applies one order: fetched from the POS's API, or carried whole by the event that named it. */
export const FETCH_ORDER_JOB = 'pos_fetch_order';
/** Pulls one business day of a connection's orders from the POS's API. */
export const BACKFILL_JOB = 'pos_backfill_day';
const fetchOrderPayload = z.object({ connectionId: z.uuid(), orderId: z.string().min(1).max(200), order: posOrderPayload.optional() });
const backfillPayload = z.object({ connectionId: z.uuid(), businessDate: z.string().regex(/^\d{8}$/) });
/** Where each secret is given in POST /pos/connections, to name the one missing. */
const SECRET_FIELDS: Record<keyof PosSecrets, string> = {
  accessToken: 'credentials.accessToken',
  clientId: 'credentials.clientId',
  clientSecret: 'credentials.clientSecret',
  webhookSignatureKey: 'webhookSignatureKey',
};

export interface ConnectionRequest {
  provider: PosProvider;
  name?: string | undefined;
  venueId: string;
  locationId: string;
  providerLocationId?: string | undefined;
  credentials?: Pick<PosSecrets, 'accessToken' | 'clientId' | 'clientSecret'> | undefined;
  webhookSignatureKey?: string | undefined;
}

/** What an edit may change: the provider is fixed; a secret left out keeps the stored one. */
export type ConnectionChange = Partial<Omit<ConnectionRequest, 'provider' | 'venueId'>>;

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
  constructor(private readonly options: PosServiceOptions) {
    this.adapters = new Map(options.adapters.map((a) => [a.provider, a]));
  }

  /** Order fetches run from the job queue: a POS API that is down is retried with backoff, never lost. */
  async registerJobs(): Promise<void> {
    await this.options.jobs.register(FETCH_ORDER_JOB, {
      payload: fetchOrderPayload,
      retries: 8,
      retryDelaySeconds: this.options.fetchRetryDelaySeconds,
      timeoutSeconds: 60,
      concurrency: 8,
      run: (p, ctx) => this.fetchAndApply(ctx.orgId, p.connectionId, p.orderId, p.order, ctx.signal),
    });
    await this.options.jobs.register(BACKFILL_JOB, {
      payload: backfillPayload,
      retries: 5,
      retryDelaySeconds: this.options.fetchRetryDelaySeconds,
      timeoutSeconds: 600,
      concurrency: 2,
      run: (p, ctx) =>
        this.backfillDay(ctx.orgId, p.connectionId, p.businessDate, ctx.signal).catch((err: unknown) => {
          // the queue's own line names only the job: say which connection and day (the error carries no secret)
          ctx.log.warn({ err, connectionId: p.connectionId, businessDate: p.businessDate }, 'POS back-fill of a day failed');
          throw err;
        }),
    });
  }

  /** What a connection to this provider must be given; the first missing named, with all of them in the message. */
  private checkRequirements(request: ConnectionRequest): PosSecrets {
    const secrets: PosSecrets = { ...request.credentials, webhookSignatureKey: request.webhookSignatureKey };
    const adapter = this.adapters.get(request.provider);
    if (!adapter) return {};
    const missing = adapter.requires.secrets.filter((k) => !secrets[k]).map((k) => SECRET_FIELDS[k]);
    if (missing.length) throw badRequest(`a ${request.provider} connection needs ${missing.join(', ')}`, missing[0]);
    if (adapter.requires.providerLocationId && !request.providerLocationId)
      throw badRequest(
        `a ${request.provider} connection needs providerLocationId: ${adapter.requires.providerLocationId}`,
        'providerLocationId',
      );
    return Object.fromEntries(Object.entries(secrets).filter(([, v]) => v)) as PosSecrets;
  }

  async createConnection(a: Actor, request: ConnectionRequest) {
    const secrets = this.checkRequirements(request);
    const conn = await this.options.db.transaction(async (tx) => {
      const loc = await venueRecords(tx).getLocation(a.orgId, request.locationId);
      if (!loc) throw notFound('location');
      if (loc.venueId !== request.venueId) throw badRequest('the location is not one of this venue', 'locationId');
      const c = await new ConnectionRepository(tx).create(a.orgId, {
        venueId: request.venueId,
        locationId: request.locationId,
        provider: request.provider,
        name: request.name ?? `${request.provider} · ${loc.name}`,
        providerLocationId: request.providerLocationId ?? null,
        secrets: Object.keys(secrets).length ? this.options.box.seal(secrets) : null,
      });
      await auditLog(tx).record(a.orgId, { userId: a.userId, action: 'create', entity: 'pos_connection', entityId: c.id });
      return c;
    });
    return this.present(conn);
  }

  /** Renames, moves or re-keys a connection; what it then lacks is named as at creation. */
  async updateConnection(a: Actor, id: string, change: ConnectionChange) {
    const conn = await this.connection(a.orgId, id);
    const stored = this.secrets(conn);
    const merged: ConnectionRequest = {
      provider: conn.provider,
      venueId: conn.venueId,
      locationId: change.locationId ?? conn.locationId,
      providerLocationId: change.providerLocationId ?? conn.providerLocationId ?? undefined,
      credentials: { accessToken: stored.accessToken, clientId: stored.clientId, clientSecret: stored.clientSecret, ...change.credentials },
      webhookSignatureKey: change.webhookSignatureKey ?? stored.webhookSignatureKey,
    };
    const secrets = this.checkRequirements(merged);
    const updated = await this.options.db.transaction(async (tx) => {
      const loc = await venueRecords(tx).getLocation(a.orgId, merged.locationId);
      if (!loc) throw notFound('location');
      if (loc.venueId !== conn.venueId) throw badRequest('the location is not one of this venue', 'locationId');
      const c = await new ConnectionRepository(tx).update(a.orgId, id, {
        name: change.name ?? conn.name,
        locationId: merged.locationId,
        providerLocationId: merged.providerLocationId ?? null,
        secrets: Object.keys(secrets).length ? this.options.box.seal(secrets) : null,
      });
      if (!c) throw notFound('POS connection');
      await auditLog(tx).record(a.orgId, { userId: a.userId, action: 'update', entity: 'pos_connection', entityId: c.id });
      return c;
    });
    return this.present(updated);
  }

  async listConnections(orgId: string) {
    return (await new ConnectionRepository(this.options.db).list(orgId)).map((c) => this.present(c));
  }

  async connection(orgId: string, id: string): Promise<Connection> {
    const c = await new ConnectionRepository(this.options.db).get(orgId, id);
    if (!c) throw notFound('POS connection');
    return c;
  }

  /** The URL the POS posts to; its signature covers it, so it is built from the public base URL. */
  webhookUrl(c: Pick<Connection, 'id' | 'provider'>): string | null {
    if (c.provider === 'csv') return null;
    return `${this.options.publicBaseUrl().replace(/\/$/, '')}/api/v1/pos/${c.provider}/webhook/${c.id}`;
  }

  /**
   * A webhook delivery: verified before anything is written (401 otherwise), acknowledged once
   * its order fetches are queued; the fetch and the ledger run as those jobs, started here at once.
   */
  async webhook(provider: PosProvider, connectionId: string, rawBody: Buffer, headers: Record<string, string | string[] | undefined>) {
    const repo = new ConnectionRepository(this.options.db);
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
    const ack = await this.options.db.transaction(async (tx) => {
      const connections = new ConnectionRepository(tx);
      if (!(await connections.firstDelivery(conn.orgId, conn.id, event.eventId, event.type)))
        return { received: true, duplicate: true, jobIds: [] };
      const jobs = [...event.orderIds.map((orderId) => ({ orderId })), ...event.orders.map((order) => ({ orderId: order.orderId, order }))];
      const jobIds: string[] = [];
      for (const j of ours ? jobs : [])
        jobIds.push(
          await this.options.jobs.enqueue(FETCH_ORDER_JOB, { connectionId: conn.id, ...j }, { orgId: conn.orgId, tx, here: true }),
        );
      return { received: true, duplicate: false, jobIds };
    });
    // the jobs are committed with the delivery (acknowledged, never lost); this instance runs them at
    // once instead of waiting for a worker to pick them up, and the queue retries one that fails
    for (const id of ack.jobIds) this.options.jobs.runHere(FETCH_ORDER_JOB, id);
    return ack;
  }

  /** Sales of the venue that waited for a recipe; called when one is saved. */
  async applyWaiting(orgId: string, venueId: string): Promise<number> {
    const waiting = await new SaleRepository(this.options.db).waiting(orgId, venueId);
    const byConn = new Map<string, string[]>();
    for (const l of waiting) byConn.set(l.connectionId, [...(byConn.get(l.connectionId) ?? []), l.lineUid]);
    let applied = 0;
    for (const [id, uids] of byConn) applied += await this.options.ledger.applyWaiting(await this.connection(orgId, id), uids);
    return applied;
  }

  async unmapped(orgId: string, venueId: string) {
    if (!(await venueRecords(this.options.db).getVenue(orgId, venueId))) throw notFound('venue');
    return new SaleRepository(this.options.db).unmapped(orgId, venueId);
  }

  /** The venue's sales by menu item over a period, mapped or not. */
  async sales(orgId: string, venueId: string, from: Date, to: Date) {
    if (from >= to) throw badRequest('from must be before to', 'from');
    if (!(await venueRecords(this.options.db).getVenue(orgId, venueId))) throw notFound('venue');
    return { venueId, from, to, items: await new SaleRepository(this.options.db).byMenuItem(orgId, venueId, from, to) };
  }

  async coverage(orgId: string, venueId: string, from: Date, to: Date) {
    if (from >= to) throw badRequest('from must be before to', 'from');
    if (!(await venueRecords(this.options.db).getVenue(orgId, venueId))) throw notFound('venue');
    const c = await new SaleRepository(this.options.db).coverage(orgId, venueId, from, to);
    return {
      venueId,
      from,
      to,
      ...c,
      byCount: c.lines ? c.mappedLines / c.lines : null,
      byRevenue: c.revenueCents ? c.mappedRevenueCents / c.revenueCents : null,
    };
  }

  /** Queues the pull of one business day (YYYY-MM-DD, the venue's) of the connection's orders. */
  async backfill(a: Actor, connectionId: string, businessDate: string) {
    const conn = await this.connection(a.orgId, connectionId);
    if (!this.adapters.get(conn.provider)?.fetchDay)
      throw badRequest(`a ${conn.provider} connection cannot pull past orders from its POS`, 'id');
    const day = new Date(`${businessDate}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== businessDate)
      throw badRequest(`"${businessDate}" is not a date (YYYY-MM-DD)`, 'businessDate');
    if (day.getTime() > Date.now() + 86_400_000) throw badRequest('the business date is in the future', 'businessDate');
    const jobId = await this.options.jobs.enqueue(
      BACKFILL_JOB,
      { connectionId, businessDate: businessDate.replaceAll('-', '') },
      { orgId: a.orgId },
    );
    return { jobId, connectionId, businessDate };
  }

  private async fetchAndApply(orgId: string, connectionId: string, orderId: string, carried: PosOrder | undefined, signal: AbortSignal) {
    return this.withConnection(orgId, connectionId, async (conn, adapter) => {
      if (carried) return this.options.ledger.applyOrder(conn, carried, { inJob: true });
      if (!adapter.fetchOrder) throw new Error(`${conn.provider} has no order API: its events must carry the order`);
      return this.options.ledger.applyOrder(conn, await adapter.fetchOrder(orderId, this.context(conn, signal)), { inJob: true });
    });
  }

  /** Every order of the day, each applied as a webhook's would be: a day pulled twice writes nothing twice. */
  private async backfillDay(orgId: string, connectionId: string, businessDate: string, signal: AbortSignal) {
    return this.withConnection(orgId, connectionId, async (conn, adapter) => {
      // the business date is the venue's: a POS searched by instants (Square) bounds it by the venue's zone
      const venue = await venueRecords(this.options.db).getVenue(orgId, conn.venueId);
      const timeZone = knownTimeZone(venue?.timezone ?? 'UTC');
      const { orders, unreadable } = await adapter.fetchDay!(businessDate, { ...this.context(conn, signal), timeZone });
      let changedLines = 0;
      let stale = 0;
      for (const order of orders) {
        const result = await this.options.ledger.applyOrder(conn, order, { inJob: true });
        changedLines += result.changedLines;
        if (result.stale) stale++;
      }
      // the readable orders are in; the job still fails, so the connection's last error names what was left
      // out and the queue pulls the day again (what is in is not written twice)
      if (unreadable.length)
        throw new Error(
          `${unreadable.length} of the ${orders.length + unreadable.length} orders of ${businessDate} could not be read and were left out (the rest are applied): ${unreadable.slice(0, 3).join('; ')}`,
        );
      return { businessDate, orders: orders.length, changedLines, stale };
    });
  }

  /** Runs a job's work on its connection; a failure is kept as the connection's last error, then retried. */
  private async withConnection<T>(orgId: string, id: string, work: (c: Connection, a: PosAdapter) => Promise<T>) {
    const conn = await new ConnectionRepository(this.options.db).forWork(orgId, id);
    if (!conn) return { skipped: 'connection deleted' };
    const adapter = this.adapters.get(conn.provider);
    if (!adapter) throw new Error(`no adapter for ${conn.provider}`);
    try {
      return await work(conn, adapter);
    } catch (e) {
      await new ConnectionRepository(this.options.db).recordError(orgId, conn.id, (e as Error).message).catch(() => undefined);
      throw e;
    }
  }

  private context(c: Connection, signal: AbortSignal) {
    return { secrets: this.secrets(c), providerLocationId: c.providerLocationId, connectionId: c.id, signal };
  }

  private secrets(c: Connection): PosSecrets {
    return c.secrets ? this.options.box.open(c.secrets) : {};
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
