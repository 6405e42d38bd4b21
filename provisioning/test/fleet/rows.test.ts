import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/fleet/csv.js';
import { readFleetRows } from '../../src/fleet/rows.js';
import { deviceIdFrom } from '../../src/devices/device-id.js';

process.env.SMARTSTOCK_DEVICE_ID_KEY = join(mkdtempSync(join(tmpdir(), 'prov-rows-key-')), 'device-id.key');
const MAIN_BAR = deviceIdFrom('rooftop', 'Main bar');

describe('devices CSV', () => {
  it('parses quotes, escaped quotes, CRLF, a BOM and quoted newlines, keeping line numbers', () => {
    const recs = parseCsv('\uFEFFid,venue,name\r\na,v,"Bar, ""top"""\r\n\r\nb,v,"two\nlines"\nc,v,x');
    expect(recs).toEqual([
      { line: 1, cells: ['id', 'venue', 'name'] },
      { line: 2, cells: ['a', 'v', 'Bar, "top"'] },
      { line: 4, cells: ['b', 'v', 'two\nlines'] },
      { line: 6, cells: ['c', 'v', 'x'] },
    ]);
  });

  it('reports each bad row by line and column and keeps the good ones', () => {
    const { rows, bad } = readFleetRows(
      ['venue,name,id', 'rooftop,Main bar,', ',No venue,x1', 'rooftop,,x2', 'rooftop,Bad id,bar/42', `rooftop,Dup,${MAIN_BAR}`, 'a,b'].join(
        '\n',
      ),
    );
    expect(rows).toEqual([{ line: 2, id: MAIN_BAR, venueId: 'rooftop', name: 'Main bar' }]);
    expect(bad.map((b) => [b.line, b.column])).toEqual([
      [3, 'venue'],
      [4, 'name'],
      [5, 'id'],
      [6, 'id'],
      [7, '(row)'],
    ]);
    expect(bad[3]!.message).toMatch(/line 2/);
  });

  it('a broken header stops before anything is created', () => {
    expect(() => readFleetRows('')).toThrow(/empty/);
    expect(() => readFleetRows('venue,nmae\nx,y')).toThrow(/unknown column\(s\) nmae/);
    expect(() => readFleetRows('id,venue\nx,y')).toThrow(/missing column\(s\) name/);
  });
});
