import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { liveMessage, type LiveMessage } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import type { Principal } from '../plugins/principal.js';
import type { LiveModuleOptions } from './index.js';

/**
 * GET /api/v1/live?token=…&venueId=…[&cursor=N]: one WebSocket per client.
 * Browsers cannot set headers on a WebSocket, hence the token in the query
 * (the request logger strips it). Messages: @smartstock/api's liveMessage
 * (a WebSocket route is hidden from OpenAPI: /docs shows it as the component LiveMessage).
 */
export default async function liveRoutes(app: App, o: LiveModuleOptions) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/live',
    {
      websocket: true,
      schema: {
        tags: ['live'],
        security: [],
        querystring: z.object({ token: z.string().min(1).max(4096), venueId: z.uuid(), cursor: z.coerce.number().int().min(0).optional() }),
        response: { 101: liveMessage },
      },
      preValidation: async (req) => {
        const q = req.query as { token?: string };
        let p: Principal;
        try {
          p = app.jwt.verify<Principal>(q.token ?? '');
        } catch {
          throw Object.assign(new Error('access token is not valid'), { statusCode: 401 });
        }
        req.user = p;
        await app.requirePasswordChanged(req);
        const venue = await o.venues.listVenues(p.org);
        if (!venue.some((v) => v.id === (req.query as { venueId?: string }).venueId))
          throw Object.assign(new Error('venue not found'), { statusCode: 404 });
      },
    },
    async (socket, req) => {
      const send = (m: LiveMessage) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
      };
      const unsubscribe = await o.hub.subscribe({ orgId: req.user.org, venueId: req.query.venueId, send }, req.query.cursor);
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    },
  );
}
