import fp from 'fastify-plugin';
import { badRequest } from '../errors.js';
import { nulField } from './nul.js';

/** Every route, with or without a schema: a NUL byte in any text field is a 400 naming the field. */
export default fp(
  async (app) => {
    app.addHook('preValidation', async (req) => {
      const field = nulField({ params: req.params, query: req.query, body: req.body });
      if (field) throw badRequest(`${field}: contains a NUL character, which text cannot hold`, field);
    });
  },
  { name: 'text-input', dependencies: ['errors'] },
);
