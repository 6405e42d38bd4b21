import { pgCode } from '../errors.js';

/** Failures of one message before it is dead-lettered, unless the database itself is away. */
export const POISON_ATTEMPTS = 3;

// SQLSTATE classes that say the database is unreachable or busy, not that the message is bad:
// 08 connection, 40 serialization/deadlock, 53 resources, 57 operator intervention, 58 system
const TRANSIENT_SQLSTATE = /^(08|40|53|57|58)/;
const TRANSIENT_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Is this failure the database's (retry the message, hold its ack: the broker keeps it) rather
 * than the message's? A message that fails for any other reason would block its stream forever.
 */
export function isTransient(e: unknown): boolean {
  const code = pgCode(e);
  if (code) return TRANSIENT_SQLSTATE.test(code) || TRANSIENT_NODE.has(code);
  return /connection (terminated|ended|refused)|timeout|closed/i.test((e as Error)?.message ?? '');
}
