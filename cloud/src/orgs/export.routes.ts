import { Readable } from 'node:stream';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { binary, organisationExport } from '@smartstock/api';
import type { App } from '../plugins/http.js';
import { actor, idParam } from '../plugins/http.js';
import type { OrgsModuleOptions } from './index.js';

/** /organisation/exports: all of the organisation's data, made by a job, for its owner. */
export default async function exportRoutes(app: App, options: OrgsModuleOptions) {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const exports = options.exports;
  const tags = ['organisation'];
  typedApp.post(
    '/organisation/exports',
    {
      onRequest: app.authorize('owner'),
      schema: {
        tags,
        summary: 'Starts an export of all the organisation’s data (JSON and CSV) as a job',
        response: { 202: organisationExport },
      },
    },
    async (req, reply) => reply.code(202).send(await exports.request(actor(req))),
  );
  typedApp.get(
    '/organisation/exports/:id',
    { onRequest: app.authorize('owner'), schema: { tags, params: idParam, response: { 200: organisationExport } } },
    (req) => exports.get(actor(req).orgId, req.params.id),
  );
  typedApp.get(
    '/organisation/exports/:id/download',
    {
      onRequest: app.authorize('owner'),
      schema: {
        tags,
        summary: 'The finished export: json, csv, or tar (both documents, manifest.json and every file from object storage)',
        params: idParam,
        querystring: z.object({ format: z.enum(['json', 'csv', 'tar']).default('json') }),
        response: {
          200: {
            content: {
              'application/json': { schema: binary },
              'text/csv': { schema: binary },
              'application/x-tar': { schema: binary },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const { format } = req.query;
      const orgId = actor(req).orgId;
      // the tar is streamed: the files go from the store to the browser one at a time
      const body = format === 'tar' ? Readable.from(await exports.archive(orgId, id)) : await exports.download(orgId, id, format);
      const type = { json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8', tar: 'application/x-tar' }[format];
      return reply
        .type(type)
        .header('content-disposition', `attachment; filename="smartstock-export-${id}.${format}"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
}
