import { z } from 'zod';
import { role, uuid } from './common.js';

/** A person as a member of one organisation. */
export const member = z.strictObject({
  id: uuid,
  email: z.string(),
  name: z.string(),
  role,
  orgId: uuid,
  mustChangePassword: z.boolean(),
});
export const session = z.strictObject({ accessToken: z.string(), refreshToken: z.string(), user: member });
