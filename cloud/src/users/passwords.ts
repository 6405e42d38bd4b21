import argon2 from 'argon2';

export interface PasswordCost {
  /** KiB */
  memoryCost: number;
  timeCost: number;
}

/** argon2id hashing; the cost comes from config so tests can run it cheaply. */
export function passwordHasher(cost: PasswordCost) {
  const opts = { type: argon2.argon2id as 2, memoryCost: cost.memoryCost, timeCost: cost.timeCost, parallelism: 1 };
  // a fixed hash to verify against when the e-mail is unknown, so timing does not reveal which addresses exist
  let dummy: Promise<string> | undefined;
  return {
    hash: (password: string) => argon2.hash(password, opts),
    async verify(hash: string | undefined, password: string): Promise<boolean> {
      if (!hash) {
        dummy ??= argon2.hash('not-a-real-password', opts);
        await argon2.verify(await dummy, password).catch(() => false);
        return false;
      }
      return argon2.verify(hash, password).catch(() => false);
    },
  };
}
export type PasswordHasher = ReturnType<typeof passwordHasher>;
