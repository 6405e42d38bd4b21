// npm run export:corrections -w models -- --url http://localhost:8080 --out .cache/corrections
//   (token from --token or SMARTSTOCK_TOKEN), or --file corrections.jsonl for a saved export.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { writeLabelledSet } from './writer.js';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    file: { type: 'string' },
    since: { type: 'string' },
    out: { type: 'string', default: '.cache/corrections' },
  },
});

async function source(): Promise<NodeJS.ReadableStream> {
  if (a.file) return createReadStream(a.file);
  if (!a.url) throw new Error('give --url of the cloud (with --token or SMARTSTOCK_TOKEN), or --file of a saved export');
  const token = a.token ?? process.env.SMARTSTOCK_TOKEN;
  if (!token) throw new Error('--token (or SMARTSTOCK_TOKEN) is required with --url');
  const url = new URL('/api/v1/corrections/export', a.url);
  if (a.since) url.searchParams.set('since', a.since);
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok || !res.body) throw new Error(`${url.origin} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
}

try {
  // readline drops the lines it emits before anyone iterates; take the iterator now,
  // before the writer awaits its mkdir, so it buffers from the first line
  const it = createInterface({ input: await source(), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const r = await writeLabelledSet({ [Symbol.asyncIterator]: () => it }, a.out!);
  console.log(`wrote ${r.images} labelled crops to ${a.out} (${r.withoutCrop} corrections had no crop)`);
} catch (e) {
  console.error(`export:corrections: ${(e as Error).message}`);
  process.exitCode = 1;
}
