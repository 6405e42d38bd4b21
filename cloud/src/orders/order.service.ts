import type { Logger } from '@smartstock/runtime';
import type { Db, Queryable } from '../db/types.js';
import type { Channel } from '../alerts/notify/index.js';
import type { InventoryService } from '../inventory/index.js';
import { supplierRecords } from '../suppliers/index.js';
import { storageAmong, venueRecords } from '../venues/index.js';
import { auditLog } from '../audit/index.js';
import type { Actor } from '../plugins/http.js';
import { BlobStoreUnavailable, type BlobStore } from '../blobs/index.js';
import { KeptPdfs } from './kept-pdf.js';
import { AppError, badRequest, conflict, notFound } from '../errors.js';
import { orderCsv, orderNumber, orderPdf } from './document.js';
import { assertMove, type OrderState } from './lifecycle.js';
import { addToDraft, type DraftLineInput } from './draft-line.js';
import { alertOrder } from './alert-draft.js';
import { OrderRepository, type NewLine, type PurchaseOrder } from './order.repository.js';
import type { SuggestionService } from './suggestion.service.js';

function repos(q: Queryable) {
  return { orders: new OrderRepository(q), suppliers: supplierRecords(q), venues: venueRecords(q), audit: auditLog(q) };
}
type Repos = ReturnType<typeof repos>;

export interface OrderDeps {
  db: Db;
  inventory: Pick<InventoryService, 'adjust'>;
  suggestions: Pick<SuggestionService, 'suggest'>;
  /** the notifier's e-mail channel: SMTP when configured, the log otherwise */
  mailer: Pick<Channel, 'send' | 'provider'>;
  logger: Logger;
  /** where the PDF an order was sent as is kept; absent: not kept */
  blobs?: BlobStore | undefined;
}

export interface DraftInput {
  venueId: string;
  supplierId: string;
  notes?: string | undefined;
  /** absent: the supplier's lines of this venue's suggestions */
  lines?: { itemId: string; cases: number; caseSize?: number | undefined; casePrice?: number | null | undefined }[] | undefined;
}
export interface Receipt {
  /** absent: the venue's storage location */
  locationId?: string | undefined;
  lines: { lineId: string; units: number; casePrice?: number | undefined }[];
}

/** Purchase orders: draft → approved → sent → partly received → received, or cancelled; every step audited. */
export class OrderService {
  private readonly log: Logger;
  private readonly pdfs: KeptPdfs;
  constructor(private readonly deps: OrderDeps) {
    this.log = deps.logger.child({ module: 'orders' });
    this.pdfs = new KeptPdfs(deps.blobs);
  }

  async list(orgId: string, f: { venueId?: string | undefined; status?: OrderState | undefined; limit: number }) {
    const repositories = repos(this.deps.db);
    const orders = await repositories.orders.list(orgId, f);
    const lines = await repositories.orders.lines(
      orgId,
      orders.map((order) => order.id),
    );
    return orders.map((order) =>
      present(
        order,
        lines.filter((l) => l.orderId === order.id),
      ),
    );
  }

  async get(orgId: string, id: string) {
    return this.load(repos(this.deps.db), orgId, id);
  }

  async create(a: Actor, input: DraftInput) {
    const repositories = repos(this.deps.db);
    if (!(await repositories.venues.getVenue(a.orgId, input.venueId))) throw notFound('venue');
    const supplier = await repositories.suppliers.get(a.orgId, input.supplierId);
    if (!supplier) throw notFound('supplier');
    let lines: NewLine[];
    if (input.lines) {
      if (new Set(input.lines.map((l) => l.itemId)).size !== input.lines.length) throw badRequest('an item appears on two lines', 'lines');
      const offers = new Map(
        (await repositories.suppliers.offers(a.orgId, { supplierId: supplier.id })).map((offer) => [offer.itemId, offer]),
      );
      lines = input.lines.map((l) => {
        const offer = offers.get(l.itemId);
        return {
          itemId: l.itemId,
          cases: l.cases,
          caseSize: l.caseSize ?? offer?.caseSize ?? 1,
          casePrice: l.casePrice ?? offer?.casePrice ?? null,
          reason: null,
        };
      });
    } else {
      const suggested = (await this.deps.suggestions.suggest(a.orgId, input.venueId)).suppliers.find(
        (suggestion) => suggestion.supplierId === supplier.id,
      );
      if (!suggested) throw badRequest(`nothing to order from ${supplier.name} for this venue: give the lines by hand`, 'lines');
      lines = suggested.lines.map((l) => ({
        itemId: l.itemId,
        cases: l.cases,
        caseSize: l.caseSize,
        casePrice: l.casePrice,
        reason: l.reason,
      }));
    }
    return this.deps.db.transaction(async (tx) => {
      const w = repos(tx);
      const order = await w.orders
        .create(a.orgId, { venueId: input.venueId, supplierId: supplier.id, notes: input.notes ?? null, createdBy: a.userId }, lines)
        .catch((e: unknown) => {
          // 23503: a line's item is not one of this organisation's
          if ((e as { code?: string }).code === '23503') throw notFound('item');
          throw e;
        });
      await this.audit(w, a, order.id, 'create', {
        supplierId: supplier.id,
        lines: lines.length,
        from: input.lines ? 'hand' : 'suggestions',
      });
      return this.load(w, a.orgId, order.id);
    });
  }

  /** "order 2 cases of Aperol": onto the venue's draft for the item's supplier; the order as it stands after. */
  async addToDraft(a: Actor, input: DraftLineInput) {
    const { orderId, ...added } = await addToDraft(this.deps.db, a, input);
    return { order: await this.get(a.orgId, orderId), ...added };
  }

  /** For a low-stock message: the suggested cases of the item, put on the venue's draft for its supplier. */
  alertOrder(orgId: string, itemId: string, locationId: string) {
    return alertOrder(this.deps.db, this.deps.suggestions, orgId, itemId, locationId);
  }

  /** A draft's quantities as the manager edits them; 0 cases takes a line off. */
  async setCases(a: Actor, id: string, lines: { lineId: string; cases: number }[]) {
    return this.deps.db.transaction(async (tx) => {
      const w = repos(tx);
      const order = await this.load(w, a.orgId, id, true);
      if (order.status !== 'draft') throw conflict(`the order is ${order.status}: only a draft's quantities can change`, 'status');
      for (const [i, l] of lines.entries())
        if (!(await w.orders.setCases(a.orgId, id, l.lineId, l.cases)))
          throw badRequest(`line ${l.lineId} is not on this order`, `lines.${i}.lineId`);
      await this.audit(w, a, id, 'edit_lines', { lines });
      return this.load(w, a.orgId, id);
    });
  }

  approve(a: Actor, id: string) {
    return this.move(a, id, 'approve', 'approved');
  }

  cancel(a: Actor, id: string) {
    return this.move(a, id, 'cancel', 'cancelled');
  }

  /**
   * Renders the PDF and the CSV and e-mails them to the supplier. Without a
   * supplier e-mail, or when the mail server refuses, the order stays approved
   * with the reason in sendError, and the answer is an error saying it.
   */
  async send(a: Actor, id: string) {
    const repositories = repos(this.deps.db);
    const order = await this.load(repositories, a.orgId, id);
    assertMove('send', order.status, 'sent');
    const supplier = (await repositories.suppliers.get(a.orgId, order.supplierId))!;
    const venue = (await repositories.venues.getVenue(a.orgId, order.venueId))!;
    const refuse = async (status: number, code: string, why: string, cause?: unknown) => {
      await this.deps.db.transaction(async (tx) => {
        const w = repos(tx);
        await w.orders.setSendError(a.orgId, id, why);
        await this.audit(w, a, id, 'send_failed', { reason: why });
      });
      this.log.warn({ orderId: id, err: cause, reason: why }, 'purchase order not sent');
      throw new AppError(status, code, `${why}; the order stays approved`, status === 409 ? 'email' : undefined);
    };
    if (!supplier.email) return refuse(409, 'conflict', `${supplier.name} has no e-mail address: add one to the supplier, then send again`);
    const offers = new Map(
      (await repositories.suppliers.offers(a.orgId, { supplierId: supplier.id })).map((offer) => [offer.itemId, offer.supplierCode]),
    );
    const doc = {
      orderId: id,
      venueName: venue.name,
      supplierName: supplier.name,
      date: new Date(),
      notes: order.notes,
      lines: order.lines.map((l) => ({ ...l, supplierCode: offers.get(l.itemId) ?? null })),
    };
    const number = orderNumber(id);
    const pdf = await orderPdf(doc);
    const pdfKey = await this.pdfs.keep(a.orgId, id, pdf).catch((e: unknown) => {
      if (!(e instanceof BlobStoreUnavailable)) throw e;
      return refuse(
        503,
        'blob_store_unavailable',
        'object storage is unavailable, so the PDF could not be kept and nothing was e-mailed',
        e,
      );
    });
    let delivery;
    try {
      delivery = await this.deps.mailer.send({
        id,
        orgId: a.orgId,
        userId: a.userId,
        channel: 'email',
        recipient: supplier.email,
        subject: `Purchase order ${number} from ${venue.name}`,
        body: `Hello ${supplier.contactName ?? supplier.name},\n\nPlease find our purchase order ${number} attached (PDF, and CSV for your system).\n\n${venue.name}`,
        kind: 'purchase_order',
        attachments: [
          { filename: `${number}.pdf`, content: pdf, contentType: 'application/pdf' },
          { filename: `${number}.csv`, content: orderCsv(doc), contentType: 'text/csv' },
        ],
      });
    } catch (e) {
      await this.pdfs.drop(pdfKey);
      return refuse(502, 'send_failed', `the e-mail to ${supplier.name} was not accepted: ${(e as Error).message}`, e);
    }
    return this.deps.db.transaction(async (tx) => {
      const w = repos(tx);
      const moved = await w.orders.move(a.orgId, id, 'approved', 'sent', { sendError: null, sent: true, pdfKey });
      if (!moved) throw conflict('the order changed while it was being sent', 'status');
      await this.audit(w, a, id, 'send', {
        to: supplier.email,
        provider: delivery.provider,
        messageId: delivery.providerMessageId ?? null,
      });
      return this.load(w, a.orgId, id);
    });
  }

  /** The PDF the order was sent as, from object storage. */
  async pdf(orgId: string, id: string) {
    const key = await repos(this.deps.db).orders.pdfKey(orgId, id);
    if (key === undefined) throw notFound('purchase order');
    return this.pdfs.open(id, key);
  }

  /** Records what arrived, line by line (partial is fine), then puts it into stock as RECEIVE transactions. */
  async receive(a: Actor, id: string, receipt: Receipt) {
    if (!receipt.lines.length) throw badRequest('name at least one line received', 'lines');
    const { order, locationId, received } = await this.deps.db.transaction(async (tx) => {
      const w = repos(tx);
      const order = await this.load(w, a.orgId, id, true);
      assertMove('receive', order.status, ['partly_received', 'received']);
      const locationId = await this.receivingLocation(w, a.orgId, order.venueId, receipt.locationId);
      const byId = new Map(order.lines.map((l) => [l.id, l]));
      const seen = new Set<string>();
      const received = receipt.lines.map((receiptLine, i) => {
        const line = byId.get(receiptLine.lineId);
        if (!line || seen.has(receiptLine.lineId))
          throw badRequest(`line ${receiptLine.lineId} is not on this order, or is named twice`, `lines.${i}.lineId`);
        seen.add(receiptLine.lineId);
        const outstanding = line.cases * line.caseSize - line.receivedUnits;
        if (receiptLine.units > outstanding + 1e-9)
          throw badRequest(`${line.name}: ${receiptLine.units} received but only ${outstanding} outstanding`, `lines.${i}.units`);
        return { line, units: receiptLine.units, casePrice: receiptLine.casePrice };
      });
      const complete = order.lines.every((l) => {
        const got = received.find((delivery) => delivery.line.id === l.id)?.units ?? 0;
        return l.receivedUnits + got >= l.cases * l.caseSize - 1e-9;
      });
      const to: OrderState = complete ? 'received' : 'partly_received';
      assertMove('receive', order.status, to);
      for (const delivery of received) {
        await w.orders.addReceived(a.orgId, delivery.line.id, delivery.units);
        if (delivery.casePrice === undefined) continue;
        // against the supplier's price today (an earlier delivery may have moved it), not the order's
        const [offer] = await w.suppliers.offers(a.orgId, { supplierId: order.supplierId, itemIds: [delivery.line.itemId] });
        if (delivery.casePrice !== (offer?.casePrice ?? delivery.line.casePrice) || (offer && offer.caseSize !== delivery.line.caseSize)) {
          await w.suppliers.setCasePrice(a.orgId, order.supplierId, delivery.line.itemId, delivery.casePrice);
          await w.suppliers.recordPrice(a.orgId, {
            supplierId: order.supplierId,
            itemId: delivery.line.itemId,
            caseSize: delivery.line.caseSize,
            casePrice: delivery.casePrice,
            source: 'receipt',
          });
        }
      }
      if (!(await w.orders.move(a.orgId, id, order.status, to))) throw conflict('the order changed while it was being received', 'status');
      await this.audit(w, a, id, 'receive', {
        locationId,
        status: to,
        lines: received.map((delivery) => ({ lineId: delivery.line.id, units: delivery.units })),
      });
      return { order, locationId, received };
    });
    // The order's lock is released: stock goes in through inventory's own transaction, one line at a time.
    // Inventory lends no write inside another module's transaction, so a failure here is logged with what is missing.
    for (const [i, x] of received.entries()) {
      await this.deps.inventory
        .adjust(a, x.line.itemId, {
          locationId,
          type: 'RECEIVE',
          quantity: x.units,
          reason: `${orderNumber(order.id)} delivery`,
          sourceType: 'purchase_order',
          sourceId: order.id,
        })
        .catch((e: unknown) => {
          const missing = received.slice(i).map((m) => ({ itemId: m.line.itemId, units: m.units }));
          this.log.error(
            { err: e, orderId: order.id, locationId, missing },
            'delivery recorded on the order but not all of it put into stock',
          );
          throw e;
        });
    }
    return this.get(a.orgId, id);
  }

  private async receivingLocation(repositories: Repos, orgId: string, venueId: string, locationId: string | undefined): Promise<string> {
    if (locationId) {
      const loc = await repositories.venues.getLocation(orgId, locationId);
      if (!loc) throw notFound('location');
      if (loc.venueId !== venueId) throw badRequest("the location is not one of the order's venue", 'locationId');
      return loc.id;
    }
    const storage = storageAmong(await repositories.venues.listLocations(orgId, venueId));
    if (!storage) throw badRequest('the venue has no storage location: say where the delivery goes', 'locationId');
    return storage.id;
  }

  private async move(a: Actor, id: string, action: string, to: OrderState) {
    return this.deps.db.transaction(async (tx) => {
      const w = repos(tx);
      const order = await this.load(w, a.orgId, id, true);
      assertMove(action, order.status, to);
      if (to === 'approved' && !order.lines.length) throw badRequest('the order has no lines: add some before approving it', 'lines');
      await w.orders.move(a.orgId, id, order.status, to);
      await this.audit(w, a, id, action, { from: order.status, to });
      return this.load(w, a.orgId, id);
    });
  }

  private async load(repositories: Repos, orgId: string, id: string, forUpdate = false) {
    const order = await repositories.orders.get(orgId, id, forUpdate);
    if (!order) throw notFound('purchase order');
    return present(order, await repositories.orders.lines(orgId, [id]));
  }

  private audit(repositories: Repos, a: Actor, id: string, action: string, detail: Record<string, unknown>) {
    return repositories.audit.record(a.orgId, { userId: a.userId, action, entity: 'purchase_order', entityId: id, detail });
  }
}

function present(order: PurchaseOrder, lines: Awaited<ReturnType<OrderRepository['lines']>>) {
  const out = lines.map(({ orderId: _, ...l }) => ({ ...l, units: l.cases * l.caseSize }));
  return {
    ...order,
    number: orderNumber(order.id),
    lines: out,
    total: Math.round(out.reduce((s, l) => s + l.cases * (l.casePrice ?? 0), 0) * 100) / 100,
  };
}
