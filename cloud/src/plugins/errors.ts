import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../errors.js';
import { refuse } from './request-log.js';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * The one error handler: `{ error: { code, message, field?, requestId } }`; the request's log line
 * (request-log.ts) says why; a 5xx's error is logged there with its stack and shown without its text.
 */
export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
      const requestId = req.id;
      if (hasZodFastifySchemaValidationErrors(err)) {
        const issue = err.validation[0]!;
        const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
        const field = [err.validationContext, path].filter(Boolean).join('.') || undefined;
        refuse(req, { code: 'validation', message: `${field ?? 'request'}: ${issue.message}` });
        return reply
          .code(400)
          .send({ error: { code: 'validation', message: `${field ?? 'request'}: ${issue.message}`, field, requestId } });
      }
      if (err instanceof AppError) {
        refuse(req, { code: err.code, message: err.message });
        return reply
          .code(err.status)
          .send({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), requestId } });
      }
      const status = (err as FastifyError).statusCode ?? 500;
      if (status < 500) {
        refuse(req, { code: CODES[status] ?? (err as FastifyError).code ?? 'error', message: err.message });
        return reply
          .code(status)
          .send({ error: { code: CODES[status] ?? (err as FastifyError).code ?? 'error', message: err.message, requestId } });
      }
      refuse(req, { code: 'internal', message: err.message, err });
      return reply
        .code(status)
        .send({ error: { code: 'internal', message: 'something went wrong; quote the requestId when reporting it', requestId } });
    });
    app.setNotFoundHandler((req, reply) => {
      const message = `no route ${req.method} ${req.url.split('?')[0]}`;
      refuse(req, { code: 'not_found', message });
      return reply.code(404).send({ error: { code: 'not_found', message, requestId: req.id } });
    });
  },
  { name: 'errors' },
);
