/**
 * MQTT ingest, a thin adapter: link.ts holds the connection (acks after
 * commit, retries, snapshot replies), dispatch.ts turns each message into a
 * typed service call or a dead letter. It has no HTTP routes.
 */
export { createIngestLink, type IngestLink, type IngestOptions, type MessageSink } from './link.js';
export { dispatcher, type IngestServices } from './dispatch.js';
export { deadLetterLimit, type DeadLetterLimit } from './flood-limit.js';
export { startDeadLetterPruner } from './dead-letter-pruner.js';
