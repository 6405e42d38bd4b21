/**
 * Background jobs on one PostgreSQL-backed queue. A feature registers a kind of job at
 * start-up and sends jobs for an organisation; any instance runs them:
 *
 *   await jobs.register('vision_analyze_shelf', { payload: schema, run: (p, ctx) => …, retries: 2 });
 *   const id = await jobs.enqueue('vision_analyze_shelf', { … }, { orgId, tx });
 *   GET /api/v1/jobs/{id} → { status: 'queued' | 'running' | 'retrying' | 'done' | 'failed', result, error, … }
 */
export { JobQueue, type JobContext, type JobDefinition, type JobQueueOptions, type JobStatus, type JobView } from './jobs.service.js';
export { jobRoutes } from './routes.js';
export { repeatEvery, type Repeating } from './repeat.js';
