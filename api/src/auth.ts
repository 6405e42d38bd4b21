import { z } from 'zod';
import { newPassword, role, uuid } from './common.js';

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

// Requests

/** Body of POST /users: the owner invites a member with a first password. */
export const inviteBody = z.object({
  email: z.email(),
  name: z.string().min(1).max(200),
  password: newPassword,
  role,
});
/** Body of POST /auth/password: the signed-in person's own new password. */
export const changePasswordBody = z.object({ password: newPassword });
