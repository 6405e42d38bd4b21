import { z } from 'zod';
import { DEVICE_ID_PATTERN, PROTOCOL_VERSION } from '../topics.js';
import { isUuidV7 } from '../uuid.js';

export const version = z.literal(PROTOCOL_VERSION, { error: `unknown protocol version: expected ${PROTOCOL_VERSION}` });
export const deviceId = z.string().regex(DEVICE_ID_PATTERN, 'expected a thing name: 1-128 of [a-zA-Z0-9:_-]');
export const uuidV7 = z.string().refine(isUuidV7, 'expected a UUIDv7');
export const isoTime = z.iso.datetime({ offset: true });
/** Ids a technician chooses for cameras and slots: short, topic- and URL-safe. */
export const localId = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'expected 1-64 of [a-zA-Z0-9_.-]');
export const fraction = z.number().min(0).max(1);
