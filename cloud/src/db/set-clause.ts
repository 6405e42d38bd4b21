/**
 * An UPDATE's `column = $n` list for a patch: each defined field that `columns` names gets a
 * column, its value pushed onto `params` (which already holds the WHERE clause's parameters).
 * `casts` types a column whose parameter Postgres cannot infer. Empty when nothing changes.
 */
export function setClause(patch: object, columns: Record<string, string>, params: unknown[], casts: Record<string, string> = {}): string[] {
  const sets: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    const col = columns[k];
    if (!col || v === undefined) continue;
    params.push(v);
    sets.push(`${col} = $${params.length}${casts[col] ? `::${casts[col]}` : ''}`);
  }
  return sets;
}
