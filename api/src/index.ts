/**
 * The cloud's contract with its clients: the zod schema of every HTTP response
 * and every live WebSocket message. The cloud serialises with these (Fastify's
 * schema.response) and its OpenAPI is generated from them; the dashboard takes
 * its types from them (Wire<typeof schema>, type-only imports).
 */
import type { z } from 'zod';

export * from './common.js';
export * from './health.js';
export * from './auth.js';
export * from './venues.js';
export * from './inventory.js';
export * from './catalogue.js';
export * from './devices.js';
export * from './ingest.js';
export * from './alerts.js';
export * from './corrections.js';
export * from './vision.js';
export * from './accuracy.js';
export * from './audit.js';
export * from './jobs.js';
export * from './suppliers.js';
export * from './orders.js';
export * from './invoices.js';
export * from './forecast.js';
export * from './pos.js';
export * from './variance.js';
export * from './orgs.js';
export * from './live.js';

/** A schema's shape on the wire, as the browser parses it from JSON (timestamps are strings). */
export type Wire<S extends z.ZodType> = z.input<S>;
