import { emit, table, usageError, type Ctx } from '../cli/output.js';
import { cloudFrom, type CloudFlags } from '../cli/options.js';

/** `org create` and `org list`: an operator adds a bar group to the cloud, or sees them all. */
export interface OrgCreateOptions extends CloudFlags {
  name: string;
  ownerEmail: string;
}

const cloudOf = (options: CloudFlags) => {
  const cloud = cloudFrom(options);
  if (!cloud) throw usageError('give --cloud-url, and an operator token or --email and --password');
  return cloud;
};

export async function orgCreate(ctx: Ctx, options: OrgCreateOptions): Promise<void> {
  const created = await cloudOf(options).createOrganisation({ organisation: options.name, ownerEmail: options.ownerEmail });
  emit(
    ctx,
    {
      organisation: created.organisation,
      invitation: { email: created.invitation.email, link: created.invitation.link, expiresAt: created.invitation.expiresAt },
    },
    () =>
      [
        `Organisation "${created.organisation.name}" created (${created.organisation.id}).`,
        `Send this link to ${created.invitation.email}; it sets their password and makes them the owner (valid until ${created.invitation.expiresAt}):`,
        `  ${created.invitation.link}`,
      ].join('\n'),
  );
}

export async function orgList(ctx: Ctx, options: CloudFlags): Promise<void> {
  const orgs = await cloudOf(options).listOrganisations();
  emit(ctx, { organisations: orgs }, () =>
    table(
      ['ID', 'NAME', 'MEMBERS', 'VENUES', 'STATE'],
      orgs.map((g) => [g.id, g.name, String(g.members), String(g.venues), g.suspendedAt ? 'suspended' : 'active']),
    ),
  );
}
