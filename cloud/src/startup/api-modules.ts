import type { Logger } from '@smartstock/runtime';
import type { ApiModules } from '../app.js';
import type { CloudConfig } from '../config.js';
import type { Db } from '../db/index.js';
import { suspensionAtBroker } from '../broker/suspension.js';
import { AuthService } from '../auth/index.js';
import type { UserService } from '../users/index.js';
import type { Principal } from '../plugins/principal.js';
import type { VenueService } from '../venues/index.js';
import { CatalogueService } from '../inventory/index.js';
import { DeadLetterService } from '../ingest/index.js';
import { deleteOrgBlobs, type BlobStore } from '../blobs/index.js';
import { SupplierService } from '../suppliers/index.js';
import { CsvImportService } from '../pos/index.js';
import { InvitationService, OrgService } from '../orgs/index.js';
import { OidcService } from '../oidc/index.js';
import { SecretBox, secretKey } from '../plugins/secret-box.js';
import { AuditService } from '../audit/index.js';
import type { Features } from './features.js';

export interface ApiModuleDeps {
  db: Db;
  config: CloudConfig;
  logger: Logger;
  dataDir: string;
  blobs: BlobStore;
  users: UserService;
  venues: VenueService;
  features: Features;
  /** where links in invitations and the OIDC redirect point: the dashboard's public address, else the listening URL */
  publicUrl: () => string;
}

/**
 * The services the HTTP routes are given. Auth, organisations and OIDC are built here because the auth service
 * signs with the app's JWT signer, which exists only once buildApp has made it.
 */
export function apiModules(
  signAccessToken: (principal: Principal) => string,
  { db, config, logger, dataDir, blobs, users, venues, features, publicUrl }: ApiModuleDeps,
): { modules: ApiModules; orgs: OrgService } {
  const { broker, awsIot, devices, exports, inventory, orders, suggestions, pos, ledger } = features;
  const auth = new AuthService({
    db,
    users,
    signAccessToken,
    refreshTtlSeconds: config.auth.refreshTokenTtlDays * 86_400,
    // the organisation service is built after the auth service that asks it; sign-ins come only once both exist
    orgRefusal: async (id) => orgs.status.refusal(id),
  });
  const invitations = new InvitationService({
    db,
    users,
    auth,
    logger: logger.child({ module: 'invitations' }),
    defaultTtlHours: config.orgs.invitationTtlHours,
    publicBaseUrl: publicUrl,
  });
  const orgs: OrgService = new OrgService({
    db,
    users,
    auth,
    logger: logger.child({ module: 'orgs' }),
    invitations,
    operators: config.orgs.operators,
    signupOpen: config.orgs.signupOpen,
    deletionGraceDays: config.orgs.deletionGraceDays,
    exports,
    deleteFiles: (id) => deleteOrgBlobs(blobs, id),
    onSuspension: suspensionAtBroker({
      broker,
      awsIot,
      devicesOf: async (id) => (await devices.list(id)).filter((device) => !device.revokedAt).map((device) => device.id),
      logger: logger.child({ module: 'broker' }),
    }),
  });
  const oidc = new OidcService({
    db,
    users,
    auth,
    logger: logger.child({ module: 'oidc' }),
    box: new SecretBox<{ clientSecret: string }>(secretKey(config.orgs.oidcSecretKey, dataDir, 'oidc-secret-key'), 'OIDC client secret'),
    // the dashboard takes the browser back and posts the query to /auth/oidc/callback
    redirectUri: () => `${publicUrl().replace(/\/$/, '')}/`,
  });
  const modules: ApiModules = {
    auth,
    orgs: { orgs, invitations, exports },
    oidc,
    users,
    venues,
    inventory,
    catalogue: new CatalogueService(db),
    devices,
    live: features.live,
    alerts: features.alerts.routeOptions,
    vision: features.vision,
    corrections: features.corrections,
    jobs: features.jobs,
    suppliers: new SupplierService(db),
    orders: { orders, suggestions },
    invoices: { invoices: features.invoices, approval: { db, orders, inventory, logger: logger.child({ module: 'invoices' }) } },
    forecast: features.forecast,
    calendar: features.calendar,
    recipes: features.recipes,
    pos: { pos, csv: new CsvImportService(db, pos, ledger) },
    variance: features.variance,
    deadLetters: new DeadLetterService(db),
    blobs,
    accuracy: features.accuracy,
    audit: new AuditService(db),
  };
  return { modules, orgs };
}
