/**
 * The one error type services throw; the HTTP error handler turns it into
 * `{ error: { code, message, field?, requestId } }` with its status.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, field?: string) => new AppError(409, 'conflict', message, field);
/** a device id held by another organisation: which one is not said */
export const deviceIdTaken = () =>
  new AppError(409, 'device-id-taken', 'this device id is taken; choose another (provisioning makes unguessable ones)', 'id');
export const badRequest = (message: string, field?: string) => new AppError(400, 'bad_request', message, field);
export const unauthorized = (message = 'sign in required') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'your role may not do this') => new AppError(403, 'forbidden', message);

/** PostgreSQL's unique_violation / foreign_key_violation, the same on pg and PGlite. */
export function pgCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** For .catch(): a unique_violation becomes a 409 naming the field; anything else goes on. */
export const uniqueAs =
  (message: string, field: string) =>
  (e: unknown): never => {
    if (pgCode(e) === '23505') throw conflict(message, field);
    throw e;
  };
