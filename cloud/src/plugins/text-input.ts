import fp from 'fastify-plugin';
import { badRequest } from '../errors.js';
import { nulField } from './nul.js';

/** Every route, with or without a schema: a NUL byte in any text field is a 400 naming the field. */
export default fp(
  async (app) => {
    // a callback, not an async hook: no promise made and awaited on every request
    app.addHook('preValidation', (req, _reply, done) => {
      const field = nulField({ params: req.params, query: req.query, body: req.body });
      done(field ? badRequest(`${field}: contains a NUL character, which text cannot hold`, field) : undefined);
    });
  },
  { name: 'text-input', dependencies: ['errors'] },
);
