/**
 * SNS through moto (python3 -m moto.server): in the integration suite, since a machine with only Node has no moto.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError } from '../../../src/alerts/notify/channels/channel.js';
import { snsChannel } from '../../../src/alerts/notify/channels/sns.js';
import { startMoto, type Moto } from '../../../../e2e/src/moto.js';
import { msg, TEXT } from './message.js';

describe('SMS through AWS SNS (moto)', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(() => moto.stop());

  it('publishes a transactional SMS to the number', async () => {
    const sns = snsChannel({
      region: 'us-east-1',
      endpoint: moto.url,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const d = await sns.send(msg('sms', '+15125550100'));
    expect(d.provider).toBe('sns');
    expect(await moto.sms()).toEqual([{ phone_number: '+15125550100', message: TEXT, message_id: d.providerMessageId }]);
    await sns.close?.();
  });

  it('an unreachable endpoint is a transient failure', async () => {
    const sns = snsChannel({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const err = await sns.send(msg('sms', '+15125550100')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentDeliveryError);
  });
});
