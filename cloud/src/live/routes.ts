import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { liveMessage } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import type { Principal } from '../plugins/principal.js';
import type { LiveModuleOptions } from './index.js';
import { liveSocketSender } from './socket-sender.js';

/** The subprotocol the server answers; the client offers it first, then `bearer.<access token>`. */
export const LIVE_PROTOCOL = 'smartstock.v1';
const BEARER = 'bearer.';

/** The access token a client offered as a subprotocol (browsers cannot set any other header on a WebSocket). */
function offeredToken(header: string | string[] | undefined): string | undefined {
  const offered = String(header ?? '')
    .split(',')
    .map((protocol) => protocol.trim());
  if (!offered.includes(LIVE_PROTOCOL)) return undefined;
  return offered.find((protocol) => protocol.startsWith(BEARER))?.slice(BEARER.length);
}

/**
 * GET /api/v1/live?venueId=…[&cursor=N]: one WebSocket per client, offering the subprotocols
 * ['smartstock.v1', 'bearer.<access token>']; the server answers 'smartstock.v1'.
 * The token never travels in the URL, where proxies and consoles log it.
 * Messages: @smartstock/api's liveMessage
 * (a WebSocket route is hidden from OpenAPI: /docs shows it as the component LiveMessage).
 */
export default async function liveRoutes(app: App, options: LiveModuleOptions) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/live',
    {
      websocket: true,
      schema: {
        tags: ['live'],
        security: [],
        querystring: z.object({ venueId: z.uuid(), cursor: z.coerce.number().int().min(0).optional() }),
        response: { 101: liveMessage },
      },
      preValidation: async (req) => {
        if ('token' in (req.query as object))
          throw Object.assign(new Error('token: send the access token as the subprotocol bearer.<token>, not in the URL'), {
            statusCode: 400,
          });
        const token = offeredToken(req.headers['sec-websocket-protocol']);
        if (!token)
          throw Object.assign(new Error(`sign in required: offer the subprotocols ${LIVE_PROTOCOL} and bearer.<token>`), {
            statusCode: 401,
          });
        let principal: Principal;
        try {
          principal = app.jwt.verify<Principal>(token);
        } catch {
          throw Object.assign(new Error('access token is not valid'), { statusCode: 401 });
        }
        req.user = principal;
        await app.requireMember(req);
        await app.requirePasswordChanged(req);
        const venues = await options.venues.listVenues(principal.org);
        if (!venues.some((venue) => venue.id === (req.query as { venueId?: string }).venueId))
          throw Object.assign(new Error('venue not found'), { statusCode: 404 });
      },
    },
    // the socket is open when this runs (@fastify/websocket calls it once the upgrade is done)
    async (socket, req) => {
      const sender = liveSocketSender(socket, { maxBehindBytes: options.maxBehindBytes, log: req.log });
      const send = (frame: Buffer) => sender.send(frame);
      const unsubscribe = await options.hub.subscribe({ orgId: req.user.org, venueId: req.query.venueId, send }, req.query.cursor);
      // a client that left while its replay was read has already had its 'close': the hub must not keep it
      if (socket.readyState !== socket.OPEN) return unsubscribe();
      sender.live(unsubscribe);
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    },
  );
}
