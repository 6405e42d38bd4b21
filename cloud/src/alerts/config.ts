import { z } from 'zod';
import { notifySchema } from './notify/index.js';

const seconds = (d: number) => z.number().int().min(0).default(d);
const readings = (d: number) => z.number().int().min(1).default(d);

/** Debounce of one rule: see hysteresis.ts. */
const debounce = (r: number, s: number, c: number) =>
  z
    .object({ raiseAfterReadings: readings(r), raiseAfterSeconds: seconds(s), clearAfterReadings: readings(c) })
    .strict()
    .prefault({});

const rulesSchema = z
  .object({
    lowStock: z
      .object({
        debounce: debounce(3, 600, 2),
        /** Clear only above reorder point + this many bottles, so noise cannot flap it. */
        clearMargin: z.number().min(0).default(0.5),
      })
      .strict()
      .prefault({}),
    outOfStock: z
      .object({
        debounce: debounce(2, 300, 2),
        /** At or below this many bottle units the location is out (fill models never read exactly 0). */
        emptyAt: z.number().min(0).default(0.1),
        clearMargin: z.number().min(0).default(0.5),
      })
      .strict()
      .prefault({}),
    deviceOffline: z
      .object({ afterSeconds: seconds(300) })
      .strict()
      .prefault({}),
    cameraStale: z
      .object({
        /** No frame for this long makes a camera stale. */
        noFrameForSeconds: seconds(120),
        debounce: debounce(2, 180, 1),
      })
      .strict()
      .prefault({}),
    outboxBacklog: z
      .object({ depth: z.number().int().min(1).default(500), debounce: debounce(3, 900, 2) })
      .strict()
      .prefault({}),
    forecastStockout: z
      .object({ withinDays: z.number().min(0).default(3), debounce: debounce(1, 0, 1) })
      .strict()
      .prefault({}),
    unexplainedLoss: z
      .object({ thresholdUnits: z.number().min(0).default(2), debounce: debounce(1, 0, 1) })
      .strict()
      .prefault({}),
    /** The vision model at a venue, judged by the corrections people made over the last windowDays. */
    modelDrift: z
      .object({
        windowDays: z.number().int().min(1).max(90).default(7),
        /** mean |true - model| bottles per corrected slot above which the model is drifting (clears at half) */
        countErrorAbove: z.number().min(0).default(0.5),
        /** judged corrections needed before the error is trusted */
        minJudged: z.number().int().min(1).default(5),
        /** this many corrections in the window is a pile-up, whatever the error (clears under half) */
        correctionsAtLeast: z.number().int().min(1).default(30),
        debounce: debounce(1, 0, 1),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/** The `alerts` section of the cloud config. */
export const alertsConfigSchema = z
  .object({
    rules: rulesSchema,
    /** Unacknowledged this long, an alert escalates to the venue's owners. */
    escalateAfterSeconds: seconds(1800),
    /** How often the engine looks for breaches due by duration (device offline) and for escalations. */
    tickSeconds: z.number().int().min(1).default(30),
    /** Local hour (venue time zone) of the daily summary. */
    dailySummaryHour: z.number().int().min(0).max(23).default(9),
    notify: notifySchema,
  })
  .strict();

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type RulesConfig = AlertsConfig['rules'];
export type { NotifyConfig } from './notify/index.js';

/** Environment variables for the secrets and switches, merged into CLOUD_ENV. */
export const ALERTS_ENV = {
  SMS_PROVIDER: 'alerts.notify.sms.provider',
  AWS_REGION: 'alerts.notify.sms.sns.region',
  SNS_ENDPOINT: 'alerts.notify.sms.sns.endpoint',
  TWILIO_ACCOUNT_SID: 'alerts.notify.sms.twilio.accountSid',
  TWILIO_AUTH_TOKEN: 'alerts.notify.sms.twilio.authToken',
  TWILIO_FROM: 'alerts.notify.sms.twilio.from',
  TWILIO_MESSAGING_SERVICE_SID: 'alerts.notify.sms.twilio.messagingServiceSid',
  TWILIO_INBOUND_URL: 'alerts.notify.sms.twilio.inboundUrl',
  SMTP_URL: 'alerts.notify.email.smtpUrl',
  SMTP_FROM: 'alerts.notify.email.from',
  VAPID_SUBJECT: 'alerts.notify.push.subject',
} as const;

/** The defaults, for tests and for wiring before the config is loaded. */
export function defaultAlertsConfig(): AlertsConfig {
  return alertsConfigSchema.parse({});
}
