export { UserService, type OwnerSeed, type SeededOwner } from './user.service.js';
export { passwordHasher, type PasswordHasher, type PasswordCost } from './passwords.js';
export type { Member, User, Credentials } from './user.repository.js';
