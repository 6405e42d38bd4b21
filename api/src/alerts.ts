import { z } from 'zod';
import { ALERT_RULES, ALERT_STATES, CHANNELS, NOTIFICATION_STATUSES, SEVERITIES, role, timestamp, uuid } from './common.js';

/** An alert as the live socket shows it: everything but the rule's details. */
export const alertView = z.strictObject({
  id: uuid,
  orgId: uuid,
  venueId: uuid,
  rule: z.enum(ALERT_RULES),
  subjectKey: z.string(),
  itemId: uuid.nullable(),
  locationId: uuid.nullable(),
  deviceId: z.string().nullable(),
  cameraId: z.string().nullable(),
  severity: z.enum(SEVERITIES),
  state: z.enum(ALERT_STATES),
  message: z.string(),
  raisedAt: timestamp,
  escalatedAt: timestamp.nullable(),
  acknowledgedAt: timestamp.nullable(),
  acknowledgedBy: uuid.nullable(),
  resolvedAt: timestamp.nullable(),
  resolvedBy: uuid.nullable(),
  updatedAt: timestamp,
});
export const alert = alertView.extend({ details: z.record(z.string(), z.unknown()) });
export const alertEvent = z.strictObject({
  id: z.string(),
  state: z.enum(ALERT_STATES),
  at: timestamp,
  byUser: uuid.nullable(),
  note: z.string().nullable(),
});
export const alertWithHistory = alert.extend({ history: z.array(alertEvent) });

export const notification = z.strictObject({
  id: uuid,
  orgId: uuid,
  venueId: uuid.nullable(),
  userId: uuid.nullable(),
  alertId: uuid.nullable(),
  kind: z.string(),
  channel: z.enum(CHANNELS),
  recipient: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  status: z.enum(NOTIFICATION_STATUSES),
  attempts: z.number(),
  nextAttemptAt: timestamp,
  releaseAt: timestamp.nullable(),
  lastError: z.string().nullable(),
  provider: z.string().nullable(),
  createdAt: timestamp,
  sentAt: timestamp.nullable(),
});

/** One person's notification settings at one venue. */
export const notificationSettings = z.strictObject({
  orgId: uuid,
  userId: uuid,
  venueId: uuid,
  role,
  displayName: z.string().nullable(),
  phoneE164: z.string().nullable(),
  email: z.string().nullable(),
  channels: z.array(z.enum(CHANNELS)),
  rules: z.array(z.string()).nullable().describe('null: the defaults of the role'),
  quietStart: z.number().nullable().describe('minutes after local midnight'),
  quietEnd: z.number().nullable(),
  dailySummary: z.boolean(),
  enabled: z.boolean(),
});
export const pushKey = z.strictObject({ publicKey: z.string() });
export const pushSubscriptionSaved = z.strictObject({ endpoint: z.string() });

// Requests

/** Body of PUT /notifications/settings/:id: your settings at one venue. */
export const notificationSettingsBody = z
  .object({
    displayName: z.string().min(1).max(200).nullish(),
    phone: z.string().min(3).max(32).nullish().describe('any format; stored as E.164'),
    email: z.string().max(254).nullish(),
    channels: z.array(z.enum(CHANNELS)).max(4),
    rules: z.array(z.enum(ALERT_RULES)).nullish().describe('null: the defaults of your role'),
    quietHours: z.object({ start: z.string(), end: z.string() }).nullish().describe('HH:MM–HH:MM in the venue’s time zone'),
    dailySummary: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

/** How each channel really delivers in this installation: `log` means recorded in the notifications list only. */
export const channelDelivery = z.strictObject({
  channel: z.enum(CHANNELS),
  provider: z.string().describe('sns, twilio, smtp, web-push or log'),
  recordedOnly: z.boolean().describe('true: no gateway is configured; the message is only recorded in the notifications list'),
});
/** GET /notifications/recipients: who hears about alerts at a venue, on which channels, and how each channel delivers. */
export const notificationRecipients = z.strictObject({
  delivery: z.array(channelDelivery),
  recipients: z.array(
    z.strictObject({
      userId: uuid,
      name: z.string(),
      role,
      /** false: the person set nothing for this venue and hears through the in-app list only */
      configured: z.boolean(),
      channels: z.array(z.strictObject({ channel: z.enum(CHANNELS), to: z.array(z.string()) })),
    }),
  ),
});
/** Body of POST /notifications/test: one test message to one person on one of their channels. */
export const notificationTestBody = z.strictObject({ venueId: uuid, userId: uuid, channel: z.enum(CHANNELS) });
export const notificationTestResult = z.strictObject({ queued: z.array(notification) });
