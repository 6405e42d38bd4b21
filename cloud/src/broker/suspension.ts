/**
 * What a suspension (or its end) does at the broker the devices connect to: the embedded broker
 * drops the organisation's connections (and refuses them while it lasts, through its own check);
 * on AWS IoT Core the devices' certificates are switched off and on; a broker the cloud cannot
 * steer (Mosquitto) gets the device ids in the log for the operator's step (docker/README.md).
 */
import type { Logger } from '@smartstock/runtime';
import type { AwsIotCertificates } from './aws-iot.js';
import type { EmbeddedBroker } from './embedded.js';

export function suspensionAtBroker(options: {
  broker: EmbeddedBroker | undefined;
  awsIot: AwsIotCertificates | undefined;
  /** the organisation's devices that are not revoked (a revoked device's certificates stay as revocation left them) */
  devicesOf: (orgId: string) => Promise<string[]>;
  logger: Logger;
}): (orgId: string, suspended: boolean) => Promise<void> {
  return async (orgId, suspended) => {
    if (suspended) options.broker?.disconnectOrganisation(orgId);
    if (options.broker && !options.awsIot) return;
    const things = await options.devicesOf(orgId);
    if (options.awsIot) {
      await options.awsIot.setActive(things, !suspended);
      return;
    }
    options.logger.warn(
      { orgId, devices: things },
      suspended
        ? 'organisation suspended: deny these devices at the broker'
        : 'organisation resumed: allow these devices again at the broker',
    );
  };
}
