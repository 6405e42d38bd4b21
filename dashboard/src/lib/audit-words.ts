/**
 * The audit trail in the bar's words: each kind of entity the cloud records (its `entity: '…'` in
 * cloud/src) as the owner calls it, and the thing itself by name, or a short id once it is gone.
 */
export const ENTITY_KINDS: Readonly<Record<string, string>> = {
  item: 'Item',
  venue: 'Venue',
  device: 'Device',
  slot: 'Shelf slot',
  user: 'Person',
  invitation: 'Invitation',
  supplier: 'Supplier',
  purchase_order: 'Order',
  invoice: 'Invoice',
  recipe: 'Recipe',
  pos_connection: 'Till connection',
  organisation: 'Organisation',
  oidc_issuer: 'Company sign-in',
  drift_thresholds: 'Accuracy alert limits',
};

/** A kind the dashboard does not know yet still reads as words: `stock_take` → "Stock take". */
export function entityKind(entity: string): string {
  const known = ENTITY_KINDS[entity];
  if (known) return known;
  const words = entity.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Actions whose code reads badly as words; the rest read as they are, `add_barcode` → "add barcode". */
const ACTIONS: Readonly<Record<string, string>> = {
  change_password: 'changed their password',
};

/** What the row did, in words: "changed their password", not change_password. */
export function actionWords(action: string): string {
  return ACTIONS[action] ?? action.replace(/[_.-]+/g, ' ').trim();
}

/** A uuid's first 8 characters tell rows apart; a device id or slot path is already short and readable. */
export function shortId(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(id) ? id.slice(0, 8) : id;
}

/** What the row changed: its current name, else (the thing is gone) its short id, else nothing. */
export function entityLabel(entry: { entityId: string | null; entityName: string | null }): { text: string; gone: boolean } | null {
  if (entry.entityName) return { text: entry.entityName, gone: false };
  if (entry.entityId) return { text: shortId(entry.entityId), gone: true };
  return null;
}

/** A detail key (or a changed field's name) read aloud: camelCase split into words. */
const detailKey = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

function detailValue(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.map(detailValue).join(', ');
  if (typeof value === 'object') {
    const { from, to, ...rest } = value as Record<string, unknown>;
    // a change recorded as { from, to }, as the currency is
    if ('from' in value && 'to' in value && !Object.keys(rest).length) return `${detailValue(from)} → ${detailValue(to)}`;
    return describeDetail(value as Record<string, unknown>);
  }
  return typeof value === 'string' ? shortId(value) : String(value as number | boolean);
}

/** The row's detail in words, "changed: name, par level" rather than {"fields":["name","parLevel"]}. */
export function describeDetail(detail: Record<string, unknown> | null): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([key, value]) =>
      // the changed fields are names too: "par level", not parLevel
      key === 'fields' && Array.isArray(value)
        ? `changed: ${value.map((f) => detailKey(String(f))).join(', ')}`
        : `${detailKey(key)}: ${detailValue(value)}`,
    )
    .join(' · ');
}
