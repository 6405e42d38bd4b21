/**
 * Sales exports as the tills write them, not as our template does: rows of a real Square Item Sales
 * export, Toast's ItemSelectionDetails layout, and a European export (`;` cells, decimal commas).
 */
import { describe, expect, it } from 'vitest';
import { readSales } from '../../src/pos/csv.js';
import { parseAmount, parseSoldAt } from '../../src/pos/csv-values.js';

describe('Square Item Sales export', () => {
  // header and first rows verbatim from a published Square export (Date, Time and Time Zone apart, money as $8.00,
  // modifiers comma-separated): https://github.com/zoetankersley/sunrise_social_club/blob/main/data/raw/items-2026-07-18-2026-07-19.csv
  const header =
    'Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,Location,Dining Option,Customer ID,Customer Name,Customer Reference ID,Unit,Count,GTIN,Itemization Type,Commission,Employee,Fulfillment Note,Channel,Token,Card Brand,PAN Suffix';
  const rows = [
    '2026-07-18,12:59:30,Eastern Time (US & Canada),None,Matcha Latte,1.0,"","","12oz, Whole Milk, Cold Foam, Strawberry",$8.00,$0.00,$8.00,$0.62,4S5oaeKrPyyWWst4wAvuQJ3qn6PZY,zlaURW9PbKi7Y8KdrYsyqgltmVQZY,Square Terminal 2274,"",https://app.squareup.com/dashboard/sales/transactions/4S5oaeKrPyyWWst4wAvuQJ3qn6PZY/by-unit/LEKA54X3W66F5,Payment,Sunrise Social Club LLC,"","","","",ea,1,"",Physical Good,$0.00,"","",Sunrise Social Club LLC,Y36H4C6V4YFFYACS3RIEFARY,Visa,7084',
    '2026-07-18,12:59:30,Eastern Time (US & Canada),None,Matcha Latte,1.0,"","","12oz, Oat Milk, Cold Foam, Coconut",$8.00,$0.00,$8.00,$0.62,4S5oaeKrPyyWWst4wAvuQJ3qn6PZY,zlaURW9PbKi7Y8KdrYsyqgltmVQZY,Square Terminal 2274,"",https://app.squareup.com/dashboard/sales/transactions/4S5oaeKrPyyWWst4wAvuQJ3qn6PZY/by-unit/LEKA54X3W66F5,Payment,Sunrise Social Club LLC,"","","","",ea,1,"",Physical Good,$0.00,"","",Sunrise Social Club LLC,Y36H4C6V4YFFYACS3RIEFARY,Visa,7084',
    '2026-07-18,12:37:33,Eastern Time (US & Canada),None,sticker,2.0,Regular,"","",$4.00,$0.00,$4.00,$0.27,ejcIFyDPdauEsvHWQyPjOxD1qELZY,nFNiebgKdWIwJiKbzeMQMgz78VSZY,Square Terminal 2274,"",https://app.squareup.com/dashboard/sales/transactions/ejcIFyDPdauEsvHWQyPjOxD1qELZY/by-unit/LEKA54X3W66F5,Payment,Sunrise Social Club LLC,"","","","",ea,2,"",Physical Good,$0.00,"","",Sunrise Social Club LLC,WIKDKPJ6J74CB44HCJ6NMKSX,Visa,9749',
    // in the export's format (our row): a refund is a negative row, and a large amount has a thousands separator
    '2026-07-18,13:05:00,Eastern Time (US & Canada),None,sticker,-1.0,Regular,"","",-$2.00,$0.00,-$2.00,-$0.14,ejcIFyDPdauEsvHWQyPjOxD1qELZY,r1,Square Terminal 2274,"","",Refund,Sunrise Social Club LLC,"","","","",ea,-1,"",Physical Good,$0.00,"","",Sunrise Social Club LLC,WIKDKPJ6J74CB44HCJ6NMKSX,Visa,9749',
    '2026-07-18,23:30:00,Eastern Time (US & Canada),None,Party Tab,100.0,Regular,"","","$1,234.50",$0.00,"$1,234.50",$0.00,PARTY,p1,Square Terminal 2274,"","",Payment,Sunrise Social Club LLC,"","","","",ea,100,"",Physical Good,$0.00,"","",Sunrise Social Club LLC,TOKEN,Visa,9749',
  ];
  const columns = {
    orderId: 'Transaction ID',
    item: 'Item',
    modifiers: 'Modifiers Applied',
    quantity: 'Qty',
    revenue: 'Net Sales',
    soldAt: 'Date',
    soldTime: 'Time',
  };

  it('reads each row as its item, modifiers, quantity and money at the venue’s time, BOM and all', () => {
    const { rows: sales, errors } = readSales(`\uFEFF${[header, ...rows].join('\r\n')}`, columns, { timeZone: 'America/New_York' });
    expect(errors).toEqual([]);
    expect(sales.map((s) => [s.item, s.modifiers, s.quantity, s.revenueCents, s.soldAt.toISOString()])).toEqual([
      ['Matcha Latte', ['12oz', 'Whole Milk', 'Cold Foam', 'Strawberry'], 1, 800, '2026-07-18T16:59:30.000Z'],
      ['Matcha Latte', ['12oz', 'Oat Milk', 'Cold Foam', 'Coconut'], 1, 800, '2026-07-18T16:59:30.000Z'],
      ['sticker', [], 2, 400, '2026-07-18T16:37:33.000Z'],
      ['sticker', [], -1, -200, '2026-07-18T17:05:00.000Z'],
      // 23:30 in New York is the next day in UTC: the venue's clock, not the server's or UTC's
      ['Party Tab', [], 100, 123450, '2026-07-19T03:30:00.000Z'],
    ]);
    expect(new Set(sales.map((s) => s.lineUid)).size).toBe(5);
  });

  it('names the column of a time it cannot read', () => {
    const bad = rows[0]!.replace('12:59:30', '25:99');
    const { errors } = readSales([header, bad].join('\n'), columns, { timeZone: 'America/New_York' });
    expect(errors).toEqual([{ line: 2, column: 'Time', message: expect.stringContaining('"2026-07-18 25:99" is not a date and time') }]);
  });
});

describe('Toast ItemSelectionDetails export', () => {
  // Toast's ItemSelectionDetails.csv layout (Order Date as M/D/YY h:mm AM/PM, Qty 1.0, Void? true/false), as
  // integrations that read it have it: https://github.com/search?q=%22Item+Selection+Id%2CItem+Id%2CMaster+Id%22
  const header =
    'Location,Order Id,Order #,Sent Date,Order Date,Check Id,Server,Table,Dining Area,Service,Dining Option,Item Selection Id,Item Id,Master Id,SKU,PLU,Menu Item,Menu Subgroup(s),Menu Group,Menu,Sales Category,Gross Price,Discount,Net Price,Qty,Tax,Void?,Deferred,Tax Exempt,Tax Inclusion Option,Dining Option Tax,Tab Name';
  const row = (sel: string, date: string, qty: string, net: string, voided: string) =>
    `106 West 11th Street,1300000015734303122,5001,${date},${date},1300000015734303115,Server A,6,Lounge,,,${sel},1300000001877960256,1300000001877960257,,,Espresso Martini,,Classic Cocktails,Cocktails,,20.00,0.00,${net},${qty},1.99000000,${voided},false,false,Tax Not Included,No Effect,`;
  const columns = {
    orderId: 'Order Id',
    lineId: 'Item Selection Id',
    item: 'Menu Item',
    quantity: 'Qty',
    revenue: 'Net Price',
    soldAt: 'Order Date',
    voided: 'Void?',
  };

  it('reads US dates on the venue’s clock and a voided selection as nothing sold', () => {
    const csv = [header, row('S1', '10/8/26 5:17 PM', '1.0', '20.00', 'false'), row('S2', '10/8/26 11:45 PM', '2.0', '40.00', 'true')];
    const { rows, errors } = readSales(csv.join('\r\n'), columns, { timeZone: 'America/Chicago' });
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.lineUid, r.quantity, r.revenueCents, r.soldAt.toISOString()])).toEqual([
      ['S1', 1, 2000, '2026-10-08T22:17:00.000Z'],
      ['S2', 0, 0, '2026-10-09T04:45:00.000Z'],
    ]);
  });

  it('refuses a Void? it cannot read, naming the column', () => {
    const { errors } = readSales([header, row('S3', '10/8/26 5:17 PM', '1.0', '20.00', 'maybe')].join('\n'), columns);
    expect(errors).toEqual([{ line: 2, column: 'Void?', message: '"maybe" is neither true nor false' }]);
  });
});

describe('a European export', () => {
  it('reads `;` cells, decimal commas, day-first dates and amounts like 1.234,50 €', () => {
    const csv = [
      'Datum;Artikel;Menge;Umsatz',
      '31.12.2026 23:15;Aperol Spritz;2;17,00 €',
      '01.01.2027 00:30;Hausbier 0,5l;1,5;"1.234,50 €"',
      '01.01.2027 01:00;Aperol Spritz;-1;-8,50 €',
    ].join('\n');
    const { rows, errors } = readSales(
      csv,
      { soldAt: 'Datum', item: 'Artikel', quantity: 'Menge', revenue: 'Umsatz' },
      { timeZone: 'Europe/Berlin' },
    );
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.item, r.quantity, r.revenueCents, r.soldAt.toISOString()])).toEqual([
      ['Aperol Spritz', 2, 1700, '2026-12-31T22:15:00.000Z'],
      ['Hausbier 0,5l', 1.5, 123450, '2026-12-31T23:30:00.000Z'],
      ['Aperol Spritz', -1, -850, '2027-01-01T00:00:00.000Z'],
    ]);
  });
});

describe('values as tills write them', () => {
  it('reads amounts with signs, parentheses and separators, and refuses what is not one', () => {
    const cases: [string, boolean, number | undefined][] = [
      ['$8.00', false, 8],
      ['-$8.00', false, -8],
      ['$-8.00', false, -8],
      ['($8.00)', false, -8],
      ['$1,234.50', false, 1234.5],
      ['1.0', false, 1],
      ['12,50', false, 12.5],
      ['1.234,50 €', true, 1234.5],
      ['CHF 8.50', false, 8.5],
      ['two', false, undefined],
      ['1-2', false, undefined],
      ['', false, undefined],
    ];
    for (const [raw, comma, want] of cases) expect(parseAmount(raw, comma), raw).toBe(want);
  });

  it('reads a time across a DST change on the venue’s clock, and refuses one that does not exist', () => {
    const style = { decimalComma: false, dayFirst: false, timeZone: 'America/New_York' };
    // New York's clocks go back on 1 November 2026 at 02:00: noon the day before is EDT (-4), noon that day EST (-5)
    expect(parseSoldAt('2026-10-31', '12:00', style)?.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(parseSoldAt('11/1/26', '12:00 PM', style)?.toISOString()).toBe('2026-11-01T17:00:00.000Z');
    expect(parseSoldAt('11/1/26', '12:30 AM', style)?.toISOString()).toBe('2026-11-01T04:30:00.000Z');
    expect(parseSoldAt('2026-07-18T12:59:30-04:00', '', style)?.toISOString()).toBe('2026-07-18T16:59:30.000Z');
    expect(parseSoldAt('2026-12-05T21:30:00Z', '', style)?.toISOString()).toBe('2026-12-05T21:30:00.000Z');
    expect(parseSoldAt('2026-06-31', '12:00', style)).toBeUndefined();
    expect(parseSoldAt('last Saturday', '', style)).toBeUndefined();
  });
});
