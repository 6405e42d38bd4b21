import type { FastifyInstance } from 'fastify';
import type { OrgService } from './org.service.js';
import type { InvitationService } from './invitation.service.js';
import orgRoutes from './routes.js';
import invitationRoutes from './invitation.routes.js';
import operatorRoutes from './operator.routes.js';
import exportRoutes from './export.routes.js';
import type { ExportService } from './export.service.js';

export { OrgService, type OrgServiceDeps } from './org.service.js';
export { InvitationService, type InvitationServiceDeps } from './invitation.service.js';
export { suspendedError } from './org-status.js';
export { ExportService } from './export.service.js';

export interface OrgsModuleOptions {
  orgs: OrgService;
  invitations: InvitationService;
  exports: ExportService;
  signupRateLimit: { max: number; windowSeconds: number };
}

/** /signup, /organisation (its exports and deletion), /invitations, /operator/organisations. */
export async function orgsModule(app: FastifyInstance, options: OrgsModuleOptions): Promise<void> {
  await app.register(orgRoutes, options);
  await app.register(invitationRoutes, options);
  await app.register(operatorRoutes, options);
  await app.register(exportRoutes, options);
}
