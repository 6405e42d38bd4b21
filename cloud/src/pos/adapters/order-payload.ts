import { z } from 'zod';

/**
 * A PosOrder as a job carries it: the job queue stores JSON, so dates travel as ISO strings
 * and come back as Dates. Bounded, since a payload is kept with its job.
 */
export const posOrderPayload = z.object({
  orderId: z.string().min(1).max(200),
  version: z.number(),
  canceled: z.boolean(),
  at: z.coerce.date(),
  lines: z
    .array(
      z.object({
        uid: z.string().min(1).max(300),
        menuKey: z.string().min(1).max(200),
        menuName: z.string().max(300),
        modifiers: z.array(z.object({ key: z.string().min(1).max(200), name: z.string().max(300) })).max(100),
        quantity: z.number().min(0),
        revenueCents: z.number(),
        soldAt: z.coerce.date().optional(),
      }),
    )
    .max(2000),
});
