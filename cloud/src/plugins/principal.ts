/** Who someone is in an organisation. A leaf module: routes, services and repositories all speak it; the list is the API contract's. */
import type { Role } from '@smartstock/api';
export { ROLES, type Role } from '@smartstock/api';

/** What an access token carries: the caller's identity, organisation and role. */
export interface Principal {
  sub: string;
  org: string;
  role: Role;
  /** issued while the password was one-time: see plugins/auth.ts requirePasswordChanged */
  pwd?: true;
}
