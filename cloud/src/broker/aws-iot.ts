import {
  DescribeCertificateCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
  type CertificateStatus,
} from '@aws-sdk/client-iot';
import type { Logger } from '@smartstock/runtime';

export interface AwsIotOptions {
  region: string;
  /** a stand-in such as moto; absent: the real AWS */
  endpoint?: string | undefined;
}

/** What one suspension or resume did to one thing's certificates. */
export interface ThingOutcome {
  thingName: string;
  changed: string[];
  /** the thing is not in this account and region (registered in the cloud only): nothing to do */
  missing?: boolean;
}

/**
 * AWS IoT Core as the production broker: a suspended organisation's devices are refused by IoT
 * itself, because the certificates attached to their things are set INACTIVE (a connection then
 * fails at the TLS handshake, and IoT ends open ones); a resume sets them ACTIVE again.
 *
 * Only certificates still attached to a thing are touched: a device's revocation and a certificate
 * rotation (smartstock-provision) detach the old certificate, so a resume never brings one back.
 */
export class AwsIotCertificates {
  private readonly iot: IoTClient;

  constructor(
    o: AwsIotOptions,
    private readonly log: Logger,
  ) {
    // SmartStock supports Node 20 (engines); the SDK's upgrade notice would only confuse an operator
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.iot = new IoTClient({ region: o.region, ...(o.endpoint ? { endpoint: o.endpoint } : {}), maxAttempts: 3 });
  }

  /** Sets every certificate attached to these things ACTIVE (true) or INACTIVE (false). */
  async setActive(thingNames: readonly string[], active: boolean): Promise<ThingOutcome[]> {
    const want: CertificateStatus = active ? 'ACTIVE' : 'INACTIVE';
    const out: ThingOutcome[] = [];
    for (const thingName of thingNames) {
      let principals: string[];
      try {
        principals = (await this.iot.send(new ListThingPrincipalsCommand({ thingName }))).principals ?? [];
      } catch (e) {
        if ((e as Error).name !== 'ResourceNotFoundException') throw e;
        out.push({ thingName, changed: [], missing: true });
        continue;
      }
      const changed: string[] = [];
      for (const arn of principals) {
        if (!arn.includes(':cert/')) continue;
        const certificateId = arn.slice(arn.lastIndexOf('/') + 1);
        const description = await this.iot.send(new DescribeCertificateCommand({ certificateId }));
        const status = description.certificateDescription?.status;
        // a certificate pending transfer or revoked at the CA is not ours to switch
        if (status === want || (status !== 'ACTIVE' && status !== 'INACTIVE')) continue;
        await this.iot.send(new UpdateCertificateCommand({ certificateId, newStatus: want }));
        changed.push(certificateId);
      }
      out.push({ thingName, changed });
    }
    this.log.info(
      { things: thingNames.length, certificates: out.reduce((n, t) => n + t.changed.length, 0), status: want },
      'AWS IoT certificates switched',
    );
    return out;
  }

  close(): void {
    this.iot.destroy();
  }
}
