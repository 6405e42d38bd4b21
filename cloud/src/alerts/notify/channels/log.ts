import type { Logger } from '@smartstock/runtime';
import { maskRecipient } from '../phone.js';
import type { Channel, ChannelName, OutgoingMessage } from './channel.js';

/**
 * The embedded default: the message is already a row in the notifications
 * table; this writes it to the log too, so a demo shows every text it would
 * have sent. Also stands in for SMS or e-mail when no gateway is configured.
 */
export function logChannel(logger: Logger, name: ChannelName = 'log'): Channel {
  const log = logger.child({ module: `notify:${name}` });
  return {
    name,
    provider: 'log',
    async send(m: OutgoingMessage) {
      // an alert's text is already on its 'alert raised' line; a summary's or a test's is only here
      const line = { notificationId: m.id, channel: m.channel, to: maskRecipient(m.recipient), kind: m.kind, text: m.body };
      if (m.kind === 'alert') log.debug(line, 'notification');
      else log.info(line, 'notification');
      return { provider: 'log' };
    },
  };
}
