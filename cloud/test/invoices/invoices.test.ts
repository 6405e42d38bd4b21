import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PDFDocument from 'pdfkit';
import { build, type TestCloud } from '../support/cloud.js';
import { draw, LAYOUTS, type Truth } from '../../bench/invoices/layouts.js';
import { scannedPhoto, textPdf } from '../../bench/invoices/render.js';
import { rng } from '../../bench/invoices/catalogue.js';

const pdfOf = (pages: number, draw: (d: PDFKit.PDFDocument, page: number) => void) =>
  new Promise<Buffer>((resolve) => {
    const doc = new PDFDocument({ size: 'A4', autoFirstPage: false });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    for (let p = 1; p <= pages; p++) {
      doc.addPage();
      draw(doc, p);
    }
    doc.end();
  });

/** An invoice uploaded as a PDF, read by its job on PGlite, reviewed and approved against its purchase order. */
describe('invoices through the API', () => {
  let t: TestCloud;
  let southern: string;
  const item = (sku: string) => t.demo.items[sku]!;
  const api = <T = any>(method: string, path: string, body?: unknown) => t.api<T>(method, `/api/v1${path}`, { token: t.ownerToken, body });
  const upload = async (body: Buffer, type: string, token = t.ownerToken, venue = t.demo.venueId) => {
    const res = await fetch(`${t.cloud.url}/api/v1/invoices/process-ocr?venue_id=${venue}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: new Uint8Array(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const settled = async (id: string) => {
    for (let i = 0; i < 300; i++) {
      const r = await api('GET', `/invoices/${id}`);
      if (r.body.status !== 'processing') return r.body;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error('the invoice was never read');
  };
  const storage = async (sku: string) =>
    ((await api('GET', `/inventory/locations/${t.demo.locations.storage}/stock`)).body.levels as { itemId: string; level: number }[]).find(
      (l) => l.itemId === item(sku),
    )?.level ?? 0;

  beforeAll(async () => {
    t = await build();
    southern = (await api('POST', '/suppliers', { name: "Southern Glazer's", email: 'orders@southern.example' })).body.id;
    for (const [sku, code, casePrice] of [
      ['APEROL-1000', 'SG-10001', 60],
      ['CAMPARI-1000', 'SG-10002', 50],
    ] as const)
      await api('PUT', `/suppliers/${southern}/items`, { itemId: item(sku), supplierCode: code, caseSize: 6, casePrice });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('reads the PDF, matches its lines to the open order, and receives it with the differences flagged', async () => {
    const order = (
      await api('POST', '/orders/create', {
        venueId: t.demo.venueId,
        supplierId: southern,
        lines: [
          { itemId: item('APEROL-1000'), cases: 2 },
          { itemId: item('CAMPARI-1000'), cases: 1 },
        ],
      })
    ).body;
    for (const step of ['approve', 'send']) expect((await api('POST', `/orders/${order.id}/${step}`)).status).toBe(200);
    const truth: Truth = {
      supplier: "Southern Glazer's",
      invoiceNumber: 'INV-55120',
      invoiceDate: '2026-11-30',
      lines: [
        { key: 'a', code: 'SG-10001', description: 'APEROL APERITIVO 1L', quantity: 2, unitPrice: 62, total: 124 },
        { key: 'c', code: 'SG-10002', description: 'CAMPARI BITTER 1L', quantity: 2, unitPrice: 50, total: 100 },
        { key: 'm', code: 'SG-99999', description: 'MYSTERY SMALL BATCH GIN 700ml', quantity: 1, unitPrice: 30, total: 30 },
      ],
    };
    const [aperol, campari] = [await storage('APEROL-1000'), await storage('CAMPARI-1000')];
    const up = await upload(await textPdf(draw(LAYOUTS[0]!, truth)), 'application/pdf');
    expect(up.status).toBe(202);
    expect(up.body.jobUrl).toBe(`/api/v1/jobs/${up.body.invoiceId}`);
    const inv = await settled(up.body.invoiceId);
    expect(inv).toMatchObject({
      status: 'review',
      source: 'text',
      supplierId: southern,
      invoiceNumber: 'INV-55120',
      invoiceDate: '2026-11-30',
      orderId: order.id,
    });
    expect(inv.lines.map((l: any) => [l.quantity, l.unitPrice, l.total, l.itemName, l.matchedBy])).toEqual([
      [2, 62, 124, 'Aperol', 'code'],
      [2, 50, 100, 'Campari', 'code'],
      [1, 30, 30, null, null],
    ]);
    expect(inv.review.map((r: any) => [r.code, r.lineId])).toEqual([['unmatched_line', inv.lines[2].id]]);

    // a line that matches no item stops the approval: nothing is received
    const refused = await api('POST', `/invoices/${inv.id}/approve`, {});
    expect([refused.status, refused.body.error.code]).toEqual([422, 'unmatched_lines']);
    expect((await api('GET', `/invoices/${inv.id}`)).body.status).toBe('review');
    expect(await storage('APEROL-1000')).toBe(aperol);

    const approved = await api('POST', `/invoices/${inv.id}/approve`, { lines: [{ lineId: inv.lines[2].id, skip: true }] });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.differences.map((d: any) => [d.kind, d.name, d.detail])).toEqual([
      ['price_changed', 'Aperol', '62.00 a case on the invoice, 60.00 on the order'],
      ['over', 'Campari', '12 units delivered, 6 units outstanding on the order'],
    ]);
    // the order took what it expected; Campari's extra case went into stock beside it
    const after = (await api('GET', `/orders/${order.id}`)).body;
    expect(after.status).toBe('received');
    expect(after.lines.map((l: any) => l.receivedUnits)).toEqual([12, 6]);
    expect(await storage('APEROL-1000')).toBe(aperol + 12);
    expect(await storage('CAMPARI-1000')).toBe(campari + 12);
    const pricing = (await api('GET', `/suppliers/pricing?item_id=${item('APEROL-1000')}`)).body;
    expect(pricing.offers[0].casePrice).toBe(62);

    const again = await api('POST', `/invoices/${inv.id}/approve`, { lines: [{ lineId: inv.lines[2].id, skip: true }] });
    expect([again.status, again.body.error.field]).toEqual([409, 'status']);
    expect(await storage('APEROL-1000')).toBe(aperol + 12);
  }, 60_000);

  it('puts an unknown supplier in the review and will not approve until one is chosen', async () => {
    const truth: Truth = {
      supplier: 'Bevco Supply',
      invoiceNumber: 'BV-3310',
      invoiceDate: '2026-12-01',
      lines: [{ key: 't', code: 'BV1', description: "Tito's Handmade Vodka 1L", quantity: 3, unitPrice: 20, total: 60 }],
    };
    const up = await upload(await textPdf(draw(LAYOUTS[3]!, truth)), 'application/pdf');
    const inv = await settled(up.body.invoiceId);
    expect(inv).toMatchObject({ status: 'review', supplierId: null, supplierName: 'Bevco Supply Co.', invoiceDate: '2026-12-01' });
    expect(inv.lines.map((l: any) => [l.itemName, l.matchedBy])).toEqual([["Tito's Handmade Vodka", 'name']]);
    expect(inv.review.map((r: any) => r.code)).toEqual(['unknown_supplier']);
    const r = await api('POST', `/invoices/${inv.id}/approve`, {});
    expect([r.status, r.body.error.code, r.body.error.field]).toEqual([422, 'unknown_supplier', 'supplierId']);
    const before = await storage('TITOS-750');
    const ok = await api('POST', `/invoices/${inv.id}/approve`, { supplierId: southern });
    expect([ok.status, ok.body.status, ok.body.orderId]).toEqual([200, 'approved', null]);
    // no offer from Southern for Tito's: a case of one
    expect(await storage('TITOS-750')).toBe(before + 3);
  }, 60_000);

  it('takes a phone photo as a multipart form and reads it with OCR in the job', async () => {
    const truth: Truth = {
      supplier: "Southern Glazer's",
      invoiceNumber: 'INV-70001',
      invoiceDate: '2026-12-02',
      lines: [
        { key: 'a', code: 'SG-10001', description: 'APEROL APERITIVO 1L', quantity: 3, unitPrice: 61.5, total: 184.5 },
        { key: 'c', code: 'SG-10002', description: 'CAMPARI BITTER 1L', quantity: 1, unitPrice: 50, total: 50 },
      ],
    };
    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array(await scannedPhoto(draw(LAYOUTS[0]!, truth)[0]!, rng(3)))], { type: 'image/jpeg' }),
      'invoice.jpg',
    );
    const res = await fetch(`${t.cloud.url}/api/v1/invoices/process-ocr?venue_id=${t.demo.venueId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ownerToken}` },
      body: form,
    });
    expect(res.status).toBe(202);
    const inv = await settled(((await res.json()) as { invoiceId: string }).invoiceId);
    expect(inv).toMatchObject({ status: 'review', source: 'ocr', fileKind: 'jpg', supplierId: southern });
    // OCR may misread a figure; the items come by their codes
    expect(inv.lines.map((l: any) => l.itemName)).toEqual(['Aperol', 'Campari']);
    expect(inv.lines[0]).toMatchObject({ quantity: 3, total: 184.5 });
  }, 120_000);

  it('refuses what it cannot read, with the reason, and keeps nothing', async () => {
    const cases: [Buffer, string, number, string][] = [
      [Buffer.from('hello, this is not an invoice'), 'application/octet-stream', 400, 'unsupported_file'],
      [Buffer.from('%PDF-1.7\n this is a broken pdf'), 'application/pdf', 400, 'unreadable_file'],
      [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]), 'image/jpeg', 400, 'unreadable_file'],
      [await pdfOf(1, () => undefined), 'application/pdf', 422, 'no_content'],
      [await pdfOf(50, (d, p) => d.text(`page ${p} of a very long upload`, 50, 50)), 'application/pdf', 400, 'too_many_pages'],
      [Buffer.alloc(0), 'application/pdf', 400, 'unreadable_file'],
    ];
    for (const [body, type, status, code] of cases) {
      const r = await upload(body, type);
      expect([r.status, r.body.error?.code, r.body.error?.field], code).toEqual([status, code, 'file']);
    }
    expect((await upload(Buffer.from('x'), 'text/plain')).status).toBe(415);
    expect((await api('GET', '/invoices?status=failed')).body).toEqual([]);
    const bartender = await t.userWithRole('bartender');
    expect((await upload(Buffer.from('%PDF-'), 'application/pdf', bartender)).status).toBe(403);
    expect((await upload(Buffer.from('%PDF-'), 'application/pdf', t.ownerToken, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  }, 60_000);
});
