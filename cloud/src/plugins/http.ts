import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
// for its declarations: app.authorize() and req.user, which every route file uses
import type {} from './auth.js';

export type App = FastifyInstance;

/** The org and user every service call is scoped by: from the verified token, never from the request body. */
export interface Actor {
  orgId: string;
  userId: string;
}
export const actor = (req: FastifyRequest): Actor => ({ orgId: req.user.org, userId: req.user.sub });

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional(), requestId: z.string() }),
});
export const idParam = z.object({ id: z.uuid() });
