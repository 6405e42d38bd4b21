import { readFileSync } from 'node:fs';
import { slotSchema } from '@smartstock/protocol';
import { usageError } from '../cli/output.js';

/**
 * The slots file `slots suggest` writes and the technician edits: which camera, and each slot's
 * id, sku, name and polygon (normalised 0-1). Everything else in it (row, bottles, models, the
 * frame it came from) is for the reviewer and is not sent anywhere.
 */
export interface SlotsFileSlot {
  id: string;
  sku: string | null;
  name?: string | undefined;
  polygon: [number, number][];
}

export interface SlotsFile {
  camera: string | undefined;
  slots: SlotsFileSlot[];
}

const EDIT_FIX = 'edit the file `slots suggest` wrote: give each slot a sku, delete the slots you do not want';

/** Reads and checks a slots file; every problem is a usage error (exit 2) naming the file and the slot. */
export function readSlotsFile(path: string): SlotsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw usageError(`no such file ${path}`, 'give the slots file `slots suggest --out` wrote');
    if (code === 'EISDIR') throw usageError(`${path} is a folder, not a slots file`, 'give the slots file `slots suggest --out` wrote');
    throw usageError(`cannot read ${path} (${code ?? (e as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw usageError(`${path} is not a slots file: it is not valid JSON (${(e as Error).message})`, EDIT_FIX);
  }
  const body = parsed as { camera?: unknown; slots?: unknown };
  if (typeof body !== 'object' || body === null || !Array.isArray(body.slots))
    throw usageError(`${path} is not a slots file: it has no "slots" list`, 'give the file `slots suggest --out` wrote');
  if (body.slots.length === 0) throw usageError(`${path} has no slots: there is nothing to set`, EDIT_FIX);
  const problems: string[] = [];
  const slots: SlotsFileSlot[] = [];
  const seen = new Set<string>();
  body.slots.forEach((raw, index) => {
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const label = typeof entry.id === 'string' && entry.id ? `slot ${entry.id}` : `slot #${index + 1}`;
    const sku = typeof entry.sku === 'string' ? entry.sku.trim() : entry.sku;
    const checked = slotSchema.safeParse({
      id: entry.id,
      sku: sku === '' ? null : sku,
      ...(entry.name === null || entry.name === undefined ? {} : { name: entry.name }),
      polygon: entry.polygon,
    });
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      problems.push(`${label}: ${issue.path.join('.') || 'entry'} ${issue.message}`);
      return;
    }
    if (seen.has(checked.data.id)) problems.push(`${label}: the id appears twice`);
    seen.add(checked.data.id);
    slots.push(checked.data as SlotsFileSlot);
  });
  if (problems.length) throw usageError(`${path}: ${problems.join('; ')}`, EDIT_FIX);
  return { camera: typeof body.camera === 'string' && body.camera ? body.camera : undefined, slots };
}
