import { z } from 'zod';

export const health = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['pg', 'pglite']),
  error: z.string().optional(),
});
