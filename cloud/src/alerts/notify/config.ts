import { z } from 'zod';

const smsSchema = z
  .object({
    /** `log`: the embedded default, every SMS goes to the notifications table and the log only. */
    provider: z.enum(['log', 'sns', 'twilio']).default('log'),
    sns: z
      .object({
        region: z.string().min(1).default('us-east-1'),
        /** Only for a stand-in such as moto; production uses the AWS default endpoint. */
        endpoint: z.url().optional(),
        senderId: z.string().max(11).optional(),
      })
      .strict()
      .prefault({}),
    twilio: z
      .object({
        accountSid: z
          .string()
          .regex(/^AC[0-9a-fA-F]{32}$/, 'expected a Twilio account SID (AC…)')
          .optional(),
        authToken: z.string().min(1).optional(),
        from: z.string().optional().describe('E.164 sender number, or use messagingServiceSid'),
        messagingServiceSid: z
          .string()
          .regex(/^MG[0-9a-fA-F]{32}$/)
          .optional(),
        baseUrl: z.url().optional().describe('a Twilio-compatible API host, for a stand-in'),
        inboundUrl: z.url().optional().describe('public URL of POST /api/v1/notifications/inbound/twilio: replies "OK" acknowledge'),
      })
      .strict()
      .prefault({}),
    /** The most SMS one phone number receives per hour; the rest wait in the outbox. */
    perNumberPerHour: z.number().int().min(1).default(12),
    defaultCountry: z.string().length(2).default('US'),
  })
  .strict()
  .prefault({})
  .refine(
    (sms) =>
      sms.provider !== 'twilio' || (sms.twilio.accountSid && sms.twilio.authToken && (sms.twilio.from || sms.twilio.messagingServiceSid)),
    {
      message: 'twilio needs accountSid, authToken and from or messagingServiceSid',
      path: ['twilio'],
    },
  );

/** `alerts.notify` in the cloud config: the channels, and how hard delivery tries. */
export const notifySchema = z
  .object({
    sms: smsSchema,
    email: z
      .object({
        /** smtp://user:pass@host:587 or smtps://…; absent: e-mail goes to the log channel. */
        smtpUrl: z
          .string()
          .regex(/^smtps?:\/\//, 'expected smtp:// or smtps://')
          .optional(),
        from: z.string().min(3).default('SmartStock <alerts@smartstock.local>'),
      })
      .strict()
      .prefault({}),
    push: z
      .object({
        subject: z
          .string()
          .regex(/^(mailto:|https:)/)
          .default('mailto:alerts@smartstock.local'),
      })
      .strict()
      .prefault({}),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).default(6),
        initialDelaySeconds: z.number().min(0).default(30),
        maxDelaySeconds: z.number().min(1).default(3600),
      })
      .strict()
      .prefault({}),
    breaker: z
      .object({ consecutiveFailures: z.number().int().min(1).default(3), halfOpenAfterSeconds: z.number().min(0).default(60) })
      .strict()
      .prefault({}),
    workerIntervalMs: z.number().int().min(50).default(2000),
    batchSize: z.number().int().min(1).max(500).default(50),
  })
  .strict()
  .prefault({});

export type NotifyConfig = z.infer<typeof notifySchema>;
/** What the notifier reads of the alerts config. */
export interface NotifierConfig {
  notify: NotifyConfig;
  /** Local hour (venue time zone) of the daily summary. */
  dailySummaryHour: number;
}
