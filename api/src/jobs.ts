import { z } from 'zod';

/** GET /api/v1/jobs/{id}: one background job, as its organisation sees it. */
export const jobView = z.strictObject({
  id: z.uuid(),
  name: z.string().describe('the kind of job, e.g. vision_analyze_shelf'),
  status: z.enum(['queued', 'running', 'retrying', 'done', 'failed', 'cancelled']),
  attempts: z.number().int().describe('runs started so far'),
  maxAttempts: z.number().int(),
  result: z.unknown().describe('what the job produced, once done'),
  error: z.string().nullable().describe('why the last run failed: while retrying, and once failed'),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});
