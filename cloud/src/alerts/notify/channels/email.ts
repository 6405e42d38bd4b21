import nodemailer from 'nodemailer';
import { PermanentDeliveryError, type Channel, type OutgoingMessage } from './channel.js';

export interface EmailOptions {
  /** smtp://user:pass@host:587, smtps://… */
  smtpUrl: string;
  from: string;
}

/** E-mail through any SMTP server, by nodemailer. */
export function emailChannel(o: EmailOptions): Channel {
  const transport = nodemailer.createTransport(o.smtpUrl);
  return {
    name: 'email',
    provider: 'smtp',
    async send(m: OutgoingMessage) {
      try {
        const info = await transport.sendMail({
          from: o.from,
          to: m.recipient,
          subject: m.subject ?? subjectOf(m.body),
          text: m.body,
          attachments: m.attachments ?? [],
        });
        return { provider: 'smtp', providerMessageId: info.messageId };
      } catch (e) {
        const err = e as { responseCode?: number; message?: string };
        // 5xx from the server: the address or message is refused for good; 4xx and network errors pass.
        if (err.responseCode !== undefined && err.responseCode >= 500)
          throw new PermanentDeliveryError(`smtp ${err.responseCode}: ${err.message}`, { cause: e });
        throw new Error(`smtp failed: ${err.message ?? String(e)}`, { cause: e });
      }
    },
    async close() {
      transport.close();
    },
  };
}

export function subjectOf(body: string): string {
  const first = body.split(/(?<=\.)\s/)[0] ?? body;
  return `SmartStock: ${first.length > 70 ? `${first.slice(0, 69)}…` : first}`;
}
