/**
 * Rules the cloud enforces and the dashboard says up front, as plain values: no zod here, so the
 * dashboard imports this (`@smartstock/api/rules`) without bundling the contract's schemas.
 */

/** The fewest characters a new password may have: long beats clever, a few words one remembers. */
export const PASSWORD_MIN_LENGTH = 12;
/** The most: argon2 hashes any length, but a megabyte "password" is a request to burn CPU. */
export const PASSWORD_MAX_LENGTH = 1024;
