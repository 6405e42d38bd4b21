import { emit, table, usageError, type Ctx } from '../cli/output.js';
import { cloudFrom, type CloudFlags } from '../cli/options.js';

/** `org create` and `org list`: an operator adds a bar group to the cloud, or sees them all. */
export interface OrgCreateOptions extends CloudFlags {
  name: string;
  ownerEmail: string;
}

const cloudOf = (o: CloudFlags) => {
  const cloud = cloudFrom(o);
  if (!cloud) throw usageError('give --cloud-url, and an operator token or --email and --password');
  return cloud;
};

export async function orgCreate(ctx: Ctx, o: OrgCreateOptions): Promise<void> {
  const r = await cloudOf(o).createOrganisation({ organisation: o.name, ownerEmail: o.ownerEmail });
  emit(
    ctx,
    { organisation: r.organisation, invitation: { email: r.invitation.email, link: r.invitation.link, expiresAt: r.invitation.expiresAt } },
    () =>
      [
        `Organisation "${r.organisation.name}" created (${r.organisation.id}).`,
        `Send this link to ${r.invitation.email}; it sets their password and makes them the owner (valid until ${r.invitation.expiresAt}):`,
        `  ${r.invitation.link}`,
      ].join('\n'),
  );
}

export async function orgList(ctx: Ctx, o: CloudFlags): Promise<void> {
  const orgs = await cloudOf(o).listOrganisations();
  emit(ctx, { organisations: orgs }, () =>
    table(
      ['ID', 'NAME', 'MEMBERS', 'VENUES', 'STATE'],
      orgs.map((g) => [g.id, g.name, String(g.members), String(g.venues), g.suspendedAt ? 'suspended' : 'active']),
    ),
  );
}
