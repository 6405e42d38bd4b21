import type { Queryable } from '../db/types.js';
import { UserRepository } from './user.repository.js';

export { UserService, type OwnerSeed, type SeededOwner } from './user.service.js';
export { passwordHasher, type PasswordHasher, type PasswordCost } from './passwords.js';
export type { Member, User, Credentials } from './user.repository.js';
export { MEMBERSHIP_CHANNEL } from './member-roles.js';

/** What other modules may do inside their own transaction (sign-up, invitations, company sign-in): make a person, make them a member. */
export type UserRecords = Pick<UserRepository, 'createUser' | 'addMembership' | 'findCredentials' | 'getMember' | 'findByEmail'>;
export const userRecords = (q: Queryable): UserRecords => new UserRepository(q);
