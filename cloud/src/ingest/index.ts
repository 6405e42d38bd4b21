/**
 * MQTT ingest, a thin adapter: link.ts holds the connection (acks after
 * commit, retries, snapshot replies), dispatch.ts turns each message into a
 * typed service call or a dead letter. routes.ts lets an organisation read its dead letters.
 */
import type { FastifyInstance } from 'fastify';
import type { DeadLetterService } from './dead-letter.service.js';
import deadLetterRoutes from './routes.js';

export { createIngestLink, type IngestLink, type IngestOptions, type MessageSink } from './link.js';
export { dispatcher, type IngestObserver, type IngestServices } from './dispatch.js';
export { deadLetterLimit, type DeadLetterLimit } from './flood-limit.js';
export { startDeadLetterPruner } from './dead-letter-pruner.js';
export { DeadLetterService } from './dead-letter.service.js';

export interface DeadLettersModuleOptions {
  deadLetters: DeadLetterService;
}

/** /dead-letters: what ingestion refused, for the organisation whose device sent it. */
export async function deadLettersModule(app: FastifyInstance, o: DeadLettersModuleOptions): Promise<void> {
  await app.register(deadLetterRoutes, o);
}
