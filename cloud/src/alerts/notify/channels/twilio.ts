import twilio from 'twilio';
import { PermanentDeliveryError, type Channel, type OutgoingMessage } from './channel.js';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  /** A Twilio-compatible API base (a stand-in or a proxy); production leaves it unset. */
  baseUrl?: string | undefined;
}

/**
 * Twilio error codes that mean "this number will never take this message":
 * invalid To, not a mobile, unsubscribed (STOP), unreachable region, blocked.
 * https://www.twilio.com/docs/api/errors
 */
const PERMANENT_CODES = new Set([21211, 21214, 21408, 21610, 21612, 21614, 30003, 30004, 30005, 30006]);

/** SMS through Twilio's official SDK. */
export function twilioChannel(o: TwilioOptions): Channel {
  const httpClient = o.baseUrl ? rebasedClient(o.baseUrl) : undefined;
  const client = twilio(o.accountSid, o.authToken, { autoRetry: false, ...(httpClient ? { httpClient } : {}) });
  return {
    name: 'sms',
    provider: 'twilio',
    async send(m: OutgoingMessage) {
      try {
        const msg = await client.messages.create({
          to: m.recipient,
          body: m.body,
          ...(o.messagingServiceSid ? { messagingServiceSid: o.messagingServiceSid } : { from: o.from! }),
        });
        return { provider: 'twilio', providerMessageId: msg.sid };
      } catch (e) {
        const err = e as { status?: number; code?: number; message?: string };
        const detail = `twilio ${err.status ?? '?'}${err.code ? ` code ${err.code}` : ''}: ${err.message ?? String(e)}`;
        if ((err.status === 400 || err.status === 404) && (err.code === undefined || PERMANENT_CODES.has(err.code) || err.status === 404)) {
          throw new PermanentDeliveryError(detail, { cause: e });
        }
        // 401 (bad credentials), 429 and 5xx: the channel is unwell, not the message
        throw new Error(detail, { cause: e });
      }
    },
  };
}

type RequestOpts<T> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: T };

/** The SDK's own RequestClient, pointed at another host: everything else (auth, bodies, errors) stays Twilio's. */
function rebasedClient(baseUrl: string) {
  const base = new URL(baseUrl);
  class Rebased extends twilio.RequestClient {
    override request<T>(opts: RequestOpts<T>) {
      const u = new URL(opts.uri);
      u.protocol = base.protocol;
      u.host = base.host;
      return super.request<T>({ ...opts, uri: u.href });
    }
  }
  return new Rebased({ keepAlive: false });
}
