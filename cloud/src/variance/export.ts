import PDFDocument from 'pdfkit';
import type { KpiReport, VarianceReport } from './variance.service.js';

type Cell = string | number | null | undefined;

/** RFC 4180 fields; text a spreadsheet would run as a formula (= + - @ first) is prefixed with ' so it stays text. */
function field(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
const csv = (rows: Cell[][]) => rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** One row per item and location; a line that could not be measured has its status and empty loss columns. */
export function varianceCsv(report: VarianceReport): string {
  const head = [
    'location',
    'sku',
    'item',
    'status',
    'opening_source',
    'opening_at',
    'opening_units',
    'received_units',
    'sold_units',
    'waste_units',
    'transferred_in_units',
    'transferred_out_units',
    'adjusted_units',
    'closing_source',
    'closing_at',
    'closing_units',
    'unexplained_units',
    'unexplained_ml',
    'unexplained_cost',
    'unexplained_pct_of_usage',
    'revenue',
    'pour_cost_pct',
    'actual_pour_cost_pct',
  ];
  const rows = report.lines.map((l) => [
    l.locationName,
    l.sku,
    l.name,
    l.status,
    l.opening?.source,
    iso(l.opening?.at),
    l.opening?.units,
    l.received.units,
    l.soldInTheory.units,
    l.waste.units,
    l.transferredIn.units,
    l.transferredOut.units,
    l.adjusted.units,
    l.closing?.source,
    iso(l.closing?.at),
    l.closing?.units,
    l.unexplained?.units,
    l.unexplained?.ml,
    l.unexplained?.cost,
    l.unexplainedPctOfUsage,
    l.revenue,
    l.pourCostPct,
    l.actualPourCostPct,
  ]);
  return csv([head, ...rows]);
}

/** One row per figure: kpi, sku, item, value, unit. */
export function kpiCsv(k: KpiReport): string {
  const rows: Cell[][] = [['kpi', 'sku', 'item', 'value', 'unit']];
  rows.push(['pour_cost_pct', null, null, k.pourCost.pct, k.pourCost.note ?? '%']);
  rows.push(['theoretical_cost_of_sales', null, null, k.pourCost.theoreticalCost, 'money']);
  rows.push(['pos_revenue', null, null, k.pourCost.revenue, 'money']);
  rows.push(['inventory_value', null, null, k.inventoryValue.value, 'money']);
  rows.push(['items_without_cost', null, null, k.inventoryValue.itemsWithoutCost, 'items']);
  rows.push(
    ['waste', null, null, k.waste.units, 'bottles'],
    ['waste', null, null, k.waste.ml, 'ml'],
    ['waste', null, null, k.waste.cost, 'money'],
  );
  for (const entry of k.daysOfStock) rows.push(['days_of_stock', entry.sku, entry.name, entry.days, 'days']);
  for (const item of k.deadStock.items) rows.push([`dead_stock_${k.deadStock.days}d`, item.sku, item.name, item.level, 'bottles']);
  return csv(rows);
}

function pdf(write: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: 'SmartStock report', Creator: 'SmartStock' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  write(doc);
  doc.end();
  return done;
}
const num = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '-' : `${v}${unit}`);
const period = (from: Date, to: Date) => `${from.toISOString()} to ${to.toISOString()}`;

export function variancePdf(report: VarianceReport): Promise<Buffer> {
  return pdf((doc) => {
    doc.fontSize(16).text('Variance report');
    doc
      .fontSize(9)
      .text(`Venue ${report.venueId}, ${period(report.from, report.to)}`)
      .text(report.openingHours.explanation)
      .moveDown();
    doc
      .fontSize(11)
      .text(
        `Unexplained: ${report.totals.unexplainedUnits} bottles, cost ${report.totals.unexplainedCost}; ${report.totals.linesMeasured} lines measured, ${report.totals.linesNotMeasured} not.`,
      )
      .text(
        `Revenue ${report.totals.revenue}; pour cost ${num(report.totals.pourCostPct, '%')} in theory, ${num(report.totals.actualPourCostPct, '%')} actual.`,
      );
    doc.moveDown().fontSize(8);
    // transfers only where there are any: the line stays one line on the page
    const moved = (l: VarianceReport['lines'][number]) =>
      l.transferredIn.units || l.transferredOut.units ? ` + in ${l.transferredIn.units} − out ${l.transferredOut.units}` : '';
    for (const l of report.lines) {
      const loss = l.unexplained
        ? `unexplained ${l.unexplained.units} bottles / ${num(l.unexplained.ml, ' ml')} / cost ${num(l.unexplained.cost)} (${num(l.unexplainedPctOfUsage, '%')} of usage)`
        : l.status.replace('_', ' ');
      const pour = l.revenue === null ? '' : `; pour cost ${num(l.pourCostPct, '%')}, actual ${num(l.actualPourCostPct, '%')}`;
      doc.text(
        `${l.locationName} · ${l.sku} ${l.name}: open ${num(l.opening?.units)} + received ${l.received.units}${moved(l)} + adjusted ${l.adjusted.units} − sold ${l.soldInTheory.units} − waste ${l.waste.units} − close ${num(l.closing?.units)} → ${loss}${pour}`,
      );
    }
    if (report.anomalies.length) {
      doc.moveDown().fontSize(11).text('Anomalies').fontSize(8);
      for (const a of report.anomalies) {
        doc.text(
          `${a.at.toISOString()} item ${a.itemId}: ${a.kinds.join(', ')}, ${a.dropUnits} bottles gone (observations ${a.before.observationId} → ${a.after.observationId})`,
        );
      }
    }
  });
}

export function kpiPdf(k: KpiReport): Promise<Buffer> {
  return pdf((doc) => {
    doc.fontSize(16).text('Key figures');
    doc
      .fontSize(9)
      .text(`Venue ${k.venueId}, ${period(k.from, k.to)}`)
      .moveDown()
      .fontSize(10);
    doc.text(`Pour cost: ${k.pourCost.pct === null ? 'not known' : `${k.pourCost.pct}%`}${k.pourCost.note ? ` (${k.pourCost.note})` : ''}`);
    doc.text(`Theoretical cost of sales: ${k.pourCost.theoreticalCost}`);
    doc.text(`Inventory value: ${k.inventoryValue.value} (${k.inventoryValue.itemsWithoutCost} items in stock without a cost)`);
    doc.text(`Waste: ${k.waste.units} bottles, ${num(k.waste.ml, ' ml')}, cost ${k.waste.cost}`).moveDown();
    doc.fontSize(11).text('Days of stock').fontSize(8);
    for (const entry of k.daysOfStock)
      doc.text(`${entry.sku} ${entry.name}: ${entry.level} bottles, ${entry.dailyUsage}/day → ${num(entry.days, ' days')}`);
    doc.moveDown().fontSize(11).text(`Dead stock (no depletion in ${k.deadStock.days} days)`).fontSize(8);
    for (const item of k.deadStock.items)
      doc.text(`${item.sku} ${item.name}: ${item.level} bottles, last depletion ${item.lastDepletionAt?.toISOString() ?? 'never'}`);
  });
}
