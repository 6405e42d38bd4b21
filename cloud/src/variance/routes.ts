import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { binary, kpiReport, varianceReport } from '@smartstock/api';
import { actor } from '../plugins/http.js';
import type { VarianceService } from './variance.service.js';
import { kpiCsv, kpiPdf, varianceCsv, variancePdf } from './export.js';

/** Losses and margins are the owner's and the manager's business. */
const readers = ['owner', 'manager'] as const;
const period = {
  venue_id: z.uuid(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  format: z.enum(['json', 'csv', 'pdf']).default('json'),
};
const answers = (json: z.ZodType) => ({
  200: {
    content: { 'application/json': { schema: json }, 'text/csv': { schema: binary }, 'application/pdf': { schema: binary } },
  },
});
/** Without from and to: the seven days up to now. */
function bounds(q: { from?: string | undefined; to?: string | undefined }) {
  const to = q.to ? new Date(q.to) : new Date();
  return { from: q.from ? new Date(q.from) : new Date(to.getTime() - 7 * 86_400_000), to };
}
function file(reply: FastifyReply, type: string, name: string, body: Buffer) {
  return reply.type(type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(body);
}

/** /reports/variance and /reports/kpis, as JSON, CSV or PDF. */
export async function varianceRoutes(app: FastifyInstance, options: { variance: VarianceService }): Promise<void> {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['reports'];
  const variance = options.variance;
  typedApp.get(
    '/reports/variance',
    {
      onRequest: app.authorize(...readers),
      schema: {
        tags,
        summary:
          'Per item and location: opening + received − sold in theory − waste − closing = unexplained loss; and the anomalies behind it',
        querystring: z.object(period),
        response: answers(varianceReport),
      },
    },
    async (req, reply) => {
      const { from, to } = bounds(req.query);
      const report = await variance.report(actor(req).orgId, req.query.venue_id, from, to);
      if (req.query.format === 'csv') return file(reply, 'text/csv; charset=utf-8', 'variance.csv', Buffer.from(varianceCsv(report)));
      if (req.query.format === 'pdf') return file(reply, 'application/pdf', 'variance.pdf', await variancePdf(report));
      return reply.type('application/json').send(report);
    },
  );
  typedApp.get(
    '/reports/kpis',
    {
      onRequest: app.authorize(...readers),
      schema: {
        tags,
        summary: 'Pour cost %, inventory value, days of stock, dead stock and waste over a period',
        querystring: z.object({ ...period, dead_days: z.coerce.number().int().min(1).max(365).default(30) }),
        response: answers(kpiReport),
      },
    },
    async (req, reply) => {
      const { from, to } = bounds(req.query);
      const kpis = await variance.kpis(actor(req).orgId, req.query.venue_id, from, to, req.query.dead_days);
      if (req.query.format === 'csv') return file(reply, 'text/csv; charset=utf-8', 'kpis.csv', Buffer.from(kpiCsv(kpis)));
      if (req.query.format === 'pdf') return file(reply, 'application/pdf', 'kpis.pdf', await kpiPdf(kpis));
      return reply.type('application/json').send(kpis);
    },
  );
}
