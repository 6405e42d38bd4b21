import type { Principal } from './principal.js';

/**
 * Access tokens whose signature and claims were checked, each with its principal until its exp
 * (as fast-jwt's verify decides it: valid while now <= exp), keyed by the whole token: a hit is the
 * very token verified. fast-jwt's own cache keys each token by a SHA-256 of it, made on every
 * request, a hit included: 5% of a kept page's CPU; keyed by the token itself, nothing is hashed
 * but the string. At `max` tokens, the one remembered longest ago makes room.
 */
export class VerifiedTokens {
  private readonly principals = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(private readonly max: number) {}

  get(token: string): Principal | undefined {
    const known = this.principals.get(token);
    if (!known) return undefined;
    if (Date.now() <= known.expiresAt) return known.principal;
    this.principals.delete(token);
    return undefined;
  }

  set(token: string, principal: Principal & { exp: number }): void {
    if (this.principals.size >= this.max) this.principals.delete(this.principals.keys().next().value!);
    this.principals.set(token, { principal, expiresAt: principal.exp * 1000 });
  }
}
