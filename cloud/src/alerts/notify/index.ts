/**
 * Notifications, the alerts module's child: channels, the outbox and its
 * worker, people's preferences, SMS replies. It knows nothing of alerts
 * beyond what it is handed (a notice, a summary source, an acknowledge
 * callback), so alerts/ depends on it and never the other way round.
 */
export { createNotifier, type AlertNotice, type AlertSummary, type Notifier, type NotifierDeps } from './notifier.js';
export { notifySchema, type NotifierConfig, type NotifyConfig } from './config.js';
export { notificationRoutes } from './routes.js';
export { smsReplyRoutes, type SmsReplyOptions } from './sms-reply.js';
export type { Attachment, Channel, ChannelName, OutgoingMessage } from './channels/channel.js';
