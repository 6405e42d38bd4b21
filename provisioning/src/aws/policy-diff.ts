import { THING_VARIABLE, type PolicyDocument } from './policy.js';

/**
 * Two policy documents compared by what they grant, not by their text: AWS keeps the document as
 * it was sent, and the same grants may be grouped into statements differently. A grant is one
 * effect, action and resource with its condition; the documents are the same when their grants are.
 */
export interface PolicyDiff {
  /** Grants the wanted document has and the current one lacks, shortened for reading. */
  added: string[];
  /** Grants the current document has and the wanted one lacks. */
  removed: string[];
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

function conditionText(condition: unknown): string {
  if (!condition || typeof condition !== 'object') return '';
  const parts: string[] = [];
  for (const [operator, pairs] of Object.entries(condition as Record<string, unknown>))
    for (const [key, value] of Object.entries((pairs ?? {}) as Record<string, unknown>))
      parts.push(`${operator} ${key}=${asList(value).join('|')}`);
  return parts.length ? ` when ${parts.sort().join(' and ')}` : '';
}

/** Every grant of a document as text; a document that is not a policy's JSON yields one grant saying so. */
export function grantsOf(document: string | PolicyDocument): string[] {
  let parsed: unknown;
  try {
    parsed = typeof document === 'string' ? JSON.parse(document) : document;
  } catch {
    return ['(a document that is not JSON)'];
  }
  const statements = (parsed as { Statement?: unknown } | null)?.Statement;
  if (!statements) return ['(a document without statements)'];
  const grants = new Set<string>();
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const { Effect, Action, Resource, Condition } = statement as Record<string, unknown>;
    const when = conditionText(Condition);
    for (const action of asList(Action))
      for (const resource of asList(Resource)) grants.add(`${String(Effect)} ${action} ${resource}${when}`);
  }
  return [...grants].sort();
}

/**
 * What replacing `current` by `wanted` changes. Resources are shown without the account's ARN
 * prefix and with the thing-name variable as <thing>, so every outdated device shows the same
 * few lines; a resource in another account or region keeps its full ARN and so stands out.
 */
export function policyDiff(current: string | PolicyDocument, wanted: PolicyDocument, arnPrefix: string): PolicyDiff {
  const have = new Set(grantsOf(current));
  const want = new Set(grantsOf(wanted));
  const shorten = (grant: string) => grant.replaceAll(`${arnPrefix}:`, '').replaceAll(THING_VARIABLE, '<thing>');
  return {
    added: [...want].filter((grant) => !have.has(grant)).map(shorten),
    removed: [...have].filter((grant) => !want.has(grant)).map(shorten),
  };
}

export const sameGrants = (diff: PolicyDiff): boolean => diff.added.length === 0 && diff.removed.length === 0;
