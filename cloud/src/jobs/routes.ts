import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { notFound } from '../errors.js';
import { actor, idParam } from '../plugins/http.js';
import type { JobQueue } from './jobs.service.js';
import { jobView } from '@smartstock/api';

/** /api/v1/jobs: the state of any background job, to its organisation only. */
export async function jobRoutes(app: FastifyInstance, options: { jobs: JobQueue }): Promise<void> {
  const typedApp = app.withTypeProvider<ZodTypeProvider>();
  typedApp.get(
    '/jobs/:id',
    {
      onRequest: app.authorize(),
      schema: {
        tags: ['jobs'],
        summary: 'A background job: queued, running, retrying (with the last error), done (with its result) or failed (with the reason)',
        params: idParam,
        response: { 200: jobView },
      },
    },
    async (req) => {
      const job = await options.jobs.get(actor(req).orgId, req.params.id);
      if (!job) throw notFound('job');
      return job;
    },
  );
}
