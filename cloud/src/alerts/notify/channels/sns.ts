import { PublishCommand, SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { PermanentDeliveryError, type Channel, type OutgoingMessage } from './channel.js';

export interface SnsOptions {
  region: string;
  /** A stand-in such as moto; production leaves it unset. */
  endpoint?: string | undefined;
  senderId?: string | undefined;
  /** Absent: the AWS default chain (env, profile, instance role). */
  credentials?: SNSClientConfig['credentials'];
}

/** SMS through AWS SNS: a direct publish to a phone number, sent as transactional. */
export function snsChannel(o: SnsOptions): Channel {
  const client = new SNSClient({
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    // The outbox retries; the SDK's own retries would only hide failures from the breaker.
    maxAttempts: 1,
  });
  return {
    name: 'sms',
    provider: 'sns',
    async send(m: OutgoingMessage) {
      try {
        const out = await client.send(
          new PublishCommand({
            PhoneNumber: m.recipient,
            Message: m.body,
            MessageAttributes: {
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
              ...(o.senderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: o.senderId } } : {}),
            },
          }),
        );
        return { provider: 'sns', providerMessageId: out.MessageId };
      } catch (e) {
        throw classify(e);
      }
    },
    async close() {
      client.destroy();
    },
  };
}

/** A number SNS refuses stays refused; throttling, auth and server faults may pass. */
function classify(e: unknown): Error {
  const err = e as { name?: string; message?: string; $fault?: string };
  if (
    err.$fault === 'client' &&
    ['InvalidParameterException', 'InvalidParameter', 'InvalidParameterValueException', 'OptedOut'].includes(err.name ?? '')
  ) {
    return new PermanentDeliveryError(`sns refused: ${err.name}: ${err.message}`, { cause: e });
  }
  return new Error(`sns failed: ${err.name ?? 'error'}: ${err.message ?? String(e)}`, { cause: e });
}
