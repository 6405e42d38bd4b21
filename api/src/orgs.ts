import { z } from 'zod';
import { currencyCode, newPassword, role, timestamp, uuid } from './common.js';

/** An organisation (a bar group) as its members see it. */
export const organisation = z.strictObject({
  id: uuid,
  name: z.string(),
  /** ISO 4217: the currency its money is in, unless a venue sets its own */
  currency: z.string(),
  createdAt: timestamp,
  suspendedAt: timestamp.nullable(),
  suspendedReason: z.string().nullable(),
  /** set while a deletion is scheduled: the organisation and all its data go at this instant unless cancelled */
  deletionDueAt: timestamp.nullable(),
});
/** GET /operator/organisations: every organisation of the cloud, for its operator. */
export const operatorOrganisation = organisation.extend({ members: z.number().int(), venues: z.number().int() });

export const INVITATION_STATUSES = ['pending', 'accepted', 'expired', 'revoked'] as const;
export const invitation = z.strictObject({
  id: uuid,
  email: z.string(),
  role,
  status: z.enum(INVITATION_STATUSES),
  expiresAt: timestamp,
  createdAt: timestamp,
  acceptedAt: timestamp.nullable(),
});
/** An invitation just made: the link (with its one-time token) is shown this once and never stored in clear. */
export const invitationCreated = invitation.extend({ link: z.string(), token: z.string() });
/** What the person following the link is told before choosing a password. */
export const invitationPreview = z.strictObject({ organisation: z.string(), email: z.string(), role, expiresAt: timestamp });
/** POST /operator/organisations: the new organisation and its owner's invitation. */
export const organisationCreated = z.strictObject({ organisation, invitation: invitationCreated });

/** An export of all of an organisation's data, made by a job. */
export const organisationExport = z.strictObject({
  id: uuid,
  status: z.enum(['queued', 'running', 'retrying', 'done', 'failed', 'cancelled']),
  tables: z.number().int().nullable(),
  rows: z.number().int().nullable(),
  files: z.number().int().nullable().describe('files from object storage in the archive (format=tar)'),
  fileBytes: z.number().nullable().describe('their bytes together'),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
});

/** An organisation's OpenID Connect issuer; the client secret never comes back. */
export const oidcSettings = z.strictObject({
  configured: z.literal(true),
  issuer: z.string(),
  clientId: z.string(),
  allowedDomains: z.array(z.string()),
  defaultRole: role,
  redirectUri: z.string().describe("register this as the client's redirect URI at the issuer"),
  updatedAt: timestamp,
});
/** GET /organisation/oidc: the settings, or that company sign-in is not set up (an answer, not a missing resource). */
export const oidcSettingsState = z.discriminatedUnion('configured', [oidcSettings, z.strictObject({ configured: z.literal(false) })]);

// Requests

/** POST /signup: a new organisation and its first owner. */
export const signupBody = z.object({
  organisation: z.string().trim().min(1).max(200),
  currency: currencyCode.optional().describe('ISO 4217; EUR when absent'),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  password: newPassword,
});
/** PATCH /organisation: the owner's settings. */
export const organisationUpdateBody = z.object({ currency: currencyCode.optional() });
export const createInvitationBody = z.object({
  email: z.email().max(254),
  role,
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .optional(),
});
export const acceptInvitationBody = z.object({
  token: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  password: newPassword,
});
export const oidcSettingsBody = z.object({
  issuer: z.url({ protocol: /^https?$/ }).max(500),
  clientId: z.string().min(1).max(500),
  clientSecret: z.string().min(1).max(2000),
  allowedDomains: z
    .array(
      z
        .string()
        .toLowerCase()
        .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'expected a domain such as harbour-bars.example'),
    )
    .min(1)
    .max(20),
  defaultRole: z.enum(['manager', 'bartender', 'technician']),
});
/** POST /auth/oidc/start: where to send the browser to sign in with the company account. */
export const oidcStart = z.strictObject({ authorizationUrl: z.string() });
export const oidcStartBody = z.object({ email: z.email().max(254) });
/** POST /auth/oidc/callback: the query string the issuer sent the browser back with (?code=…&state=…). */
export const oidcCallbackBody = z.object({ query: z.string().min(1).max(8192) });
