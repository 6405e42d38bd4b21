import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { binary, organisationExport } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { OrgsModuleOptions } from './index.js';

/** /organisation/exports: all of the organisation's data, made by a job, for its owner. */
export default async function exportRoutes(app: App, o: OrgsModuleOptions) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const s = o.exports;
  const tags = ['organisation'];
  r.post(
    '/organisation/exports',
    {
      onRequest: app.authorize('owner'),
      schema: {
        tags,
        summary: 'Starts an export of all the organisation’s data (JSON and CSV) as a job',
        response: { 202: organisationExport },
      },
    },
    async (req, reply) => reply.code(202).send(await s.request(actor(req))),
  );
  r.get(
    '/organisation/exports/:id',
    { onRequest: app.authorize('owner'), schema: { tags, params: idParam, response: { 200: organisationExport } } },
    (req) => s.get(actor(req).orgId, req.params.id),
  );
  r.get(
    '/organisation/exports/:id/download',
    {
      onRequest: app.authorize('owner'),
      schema: {
        tags,
        params: idParam,
        querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }),
        response: { 200: { content: { 'application/json': { schema: binary }, 'text/csv': { schema: binary } } } },
      },
    },
    async (req, reply) => {
      const body = await s.download(actor(req).orgId, req.params.id, req.query.format);
      const type = req.query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
      return reply
        .type(type)
        .header('content-disposition', `attachment; filename="smartstock-export-${req.params.id}.${req.query.format}"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
}
