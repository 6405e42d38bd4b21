/** Who someone is in an organisation. A leaf module: routes, services and repositories all speak it. */
export const ROLES = ['owner', 'manager', 'bartender', 'technician'] as const;
export type Role = (typeof ROLES)[number];

/** What an access token carries: the caller's identity, organisation and role. */
export interface Principal {
  sub: string;
  org: string;
  role: Role;
}
