import type { OutgoingMessage } from '../../../src/alerts/notify/channels/channel.js';

/** One alert text, as every channel test sends it. */
export const TEXT = "Main Bar: Tito's 750 ml at 1.4 bottles (reorder at 2).";
export const msg = (channel: OutgoingMessage['channel'], recipient: string): OutgoingMessage => ({
  id: 'n1',
  orgId: 'o',
  userId: 'u',
  channel,
  recipient,
  subject: null,
  body: TEXT,
  kind: 'alert',
});
