import { randomUUID } from 'node:crypto';

/** What the cloud keeps in object storage; each kind has its own retention period. */
export const BLOB_KINDS = ['snapshot', 'photo', 'crop', 'invoice', 'purchase-order'] as const;
export type BlobKind = (typeof BLOB_KINDS)[number];

const TYPES = { jpg: 'image/jpeg', png: 'image/png', pdf: 'application/pdf', csv: 'text/csv' } as const;
export type BlobExt = keyof typeof TYPES;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A segment never starts with a dot, so no key can climb out of its folder on the filesystem. */
const SEGMENT = '[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}';
const KEY = new RegExp(`^org/(${UUID})/(${BLOB_KINDS.join('|')})/((?:${SEGMENT}/){0,6}${SEGMENT}\\.(${Object.keys(TYPES).join('|')}))$`);

export interface ParsedKey {
  key: string;
  orgId: string;
  kind: BlobKind;
  contentType: string;
}

/** The key's parts, or undefined when it is not a key this cloud makes. */
export function parseKey(key: string): ParsedKey | undefined {
  const m = key.length <= 1024 ? KEY.exec(key) : null;
  if (!m) return undefined;
  return { key, orgId: m[1]!, kind: m[2] as BlobKind, contentType: TYPES[m[4] as BlobExt] };
}

/** org/<orgId>/<kind>/: every blob of one kind of one organisation. */
export const kindPrefix = (orgId: string, kind: BlobKind) => `org/${orgId}/${kind}/`;

/**
 * A key under the organisation and kind: `org/<orgId>/<kind>/<folders…>/<name>.<ext>`; name defaults
 * to a time-ordered unique one. Throws on a part that would make a key parseKey refuses (a bug, not input).
 */
export function blobKey(orgId: string, kind: BlobKind, folders: string[], ext: BlobExt, name?: string): string {
  const unique = name ?? `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
  const key = `${kindPrefix(orgId, kind)}${[...folders, unique].join('/')}.${ext}`;
  if (!parseKey(key)) throw new Error(`not a valid blob key: ${key}`);
  return key;
}
