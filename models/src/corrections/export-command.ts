import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebStream } from 'node:stream/web';
import { writeLabelledSet, type WrittenSet } from './writer.js';

export interface ExportOptions {
  out: string;
  /** a saved export (JSON lines) */
  file?: string | undefined;
  /** or the cloud to ask, with a token of an owner, manager or technician */
  url?: string | undefined;
  token?: string | undefined;
  since?: string | undefined;
}

async function source(o: ExportOptions): Promise<NodeJS.ReadableStream> {
  if (o.file) return createReadStream(o.file);
  if (!o.url) throw new Error('give --url of the cloud (with --token or SMARTSTOCK_TOKEN), or --file of a saved export');
  if (!o.token) throw new Error('--token (or SMARTSTOCK_TOKEN) is required with --url');
  const url = new URL('/api/v1/corrections/export', o.url);
  if (o.since) url.searchParams.set('since', o.since);
  const res = await fetch(url, { headers: { authorization: `Bearer ${o.token}` } });
  if (!res.ok || !res.body) throw new Error(`${url.origin} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return Readable.fromWeb(res.body as WebStream);
}

/** Reads the cloud's corrections export (or a saved one) and writes the labelled set train/ reads. */
export async function exportCorrections(o: ExportOptions): Promise<WrittenSet> {
  // readline drops the lines it emits before anyone iterates; take the iterator now,
  // before the writer awaits its mkdir, so it buffers from the first line
  const it = createInterface({ input: await source(o), crlfDelay: Infinity })[Symbol.asyncIterator]();
  return writeLabelledSet({ [Symbol.asyncIterator]: () => it }, o.out);
}
