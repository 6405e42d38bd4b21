import type { PolicyDocument } from '../../src/aws/policy.js';

/**
 * A small evaluator of the AWS IoT policy semantics our documents use
 * (Allow/Deny, `*` and `?` wildcards that cross `/`, the thing-name policy
 * variable, the IsAttached condition), because moto does not enforce
 * policies. Explicit Deny wins; anything not allowed is denied.
 */
export interface Connection {
  thingName: string;
  isAttached?: boolean;
}

export function allows(doc: PolicyDocument, action: string, resource: string, conn: Connection): boolean {
  const matching = doc.Statement.filter(
    (s) =>
      s.Action.some((a) => glob(a).test(action)) &&
      s.Resource.some((r) => glob(r.replaceAll('${iot:Connection.Thing.ThingName}', conn.thingName)).test(resource)) &&
      conditionsHold(s.Condition, conn),
  );
  return !matching.some((s) => s.Effect === 'Deny') && matching.some((s) => s.Effect === 'Allow');
}

function conditionsHold(cond: Record<string, Record<string, string>> | undefined, conn: Connection): boolean {
  for (const [op, pairs] of Object.entries(cond ?? {})) {
    for (const [key, want] of Object.entries(pairs)) {
      if (op !== 'Bool' || key !== 'iot:Connection.Thing.IsAttached') throw new Error(`evaluator does not know ${op} ${key}`);
      if (String(conn.isAttached ?? true) !== want) return false;
    }
  }
  return true;
}

function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`);
}
