import type { LiveMessage } from '@smartstock/api';
import type { LiveFrame } from '../../src/live/hub.js';

/** A frame the hub sends, read as the dashboard reads it. */
export const messageOf = (frame: LiveFrame): LiveMessage => JSON.parse(frame.toString('utf8')) as LiveMessage;
