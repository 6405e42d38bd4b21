/**
 * What every delivery channel is: one send() of one outbox row. A channel
 * throws PermanentDeliveryError when trying again cannot help (a number the
 * carrier rejects, a push subscription that is gone); any other error is
 * transient, counts against the channel's circuit breaker and is retried.
 */
export type ChannelName = 'sms' | 'email' | 'push' | 'log';

export interface OutgoingMessage {
  id: string;
  orgId: string;
  userId: string | null;
  channel: ChannelName;
  recipient: string;
  subject: string | null;
  body: string;
  kind: string;
  /** Files the e-mail channel attaches (a purchase order's PDF and CSV); other channels ignore them. */
  attachments?: Attachment[] | undefined;
}

export interface Attachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
}

export interface Delivery {
  /** Which service carried it: sns, twilio, smtp, web-push, log. */
  provider: string;
  providerMessageId?: string | undefined;
}

export interface Channel {
  readonly name: ChannelName;
  readonly provider: string;
  send(m: OutgoingMessage): Promise<Delivery>;
  close?(): Promise<void>;
}

export class PermanentDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentDeliveryError';
  }
}
