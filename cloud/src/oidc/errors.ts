import { AppError } from '../errors.js';

/** A company sign-in refused: the code says which check failed. */
export const oidcError = (status: number, code: string, message: string, field?: string) => new AppError(status, code, message, field);
