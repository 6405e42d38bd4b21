import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { usageError } from './output.js';
import { CA_FILES } from '@smartstock/pki';
import { CloudClient } from '../cloud-client.js';
import { iotClient } from '../aws/devices.js';
import type { Backend } from '../devices/provision.js';

/**
 * Flags shared by several commands. Every flag also reads an environment
 * variable, so an installer's script sets them once; secrets (token,
 * password) are best given that way, out of the shell history.
 */
export const DEFAULT_CA_DIR = './data/pki';

/** A comma-separated flag value ("a, b,,c") as its non-empty items. */
export const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export function withCloudOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--cloud-url <url>', 'SmartStock cloud to register devices with').env('SMARTSTOCK_CLOUD_URL'))
    .addOption(new Option('--token <token>', 'technician API token (prefer the env variable)').env('SMARTSTOCK_TOKEN'))
    .addOption(new Option('--email <email>', 'technician login, when no token').env('SMARTSTOCK_EMAIL'))
    .addOption(new Option('--password <password>', 'technician password (prefer the env variable)').env('SMARTSTOCK_PASSWORD'));
}

export interface CloudFlags {
  cloudUrl?: string;
  token?: string;
  email?: string;
  password?: string;
}

export function cloudFrom(o: CloudFlags): CloudClient | undefined {
  return o.cloudUrl ? new CloudClient(o.cloudUrl, { token: o.token, email: o.email, password: o.password }) : undefined;
}

export function withAwsOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--region <region>', 'AWS region of the IoT Core account').env('AWS_REGION').default('us-east-1'))
    .addOption(
      new Option('--aws-endpoint <url>', 'an AWS stand-in for tests (moto, LocalStack); leave unset for AWS').env(
        'SMARTSTOCK_AWS_ENDPOINT',
      ),
    );
}

export function withBackendOptions(cmd: Command): Command {
  return withAwsOptions(
    cmd
      .addOption(new Option('--local', 'use the local CA (embedded or self-hosted broker) instead of AWS IoT').env('SMARTSTOCK_LOCAL'))
      .addOption(new Option('--ca-dir <dir>', 'local CA folder (from `ca init`)').env('SMARTSTOCK_CA_DIR').default(DEFAULT_CA_DIR))
      .addOption(
        new Option('--mqtt-url <url>', 'broker URL written into the bundle (local only; AWS looks it up)')
          .env('SMARTSTOCK_MQTT_URL')
          .default('mqtts://localhost:8883'),
      ),
  );
}

export interface BackendFlags {
  local?: boolean;
  caDir: string;
  mqttUrl: string;
  region: string;
  awsEndpoint?: string;
}

export function backendFrom(o: BackendFlags): Backend {
  if (o.local && !existsSync(join(o.caDir, CA_FILES.cert)))
    throw usageError(`no local CA in ${o.caDir}`, `run \`smartstock-provision ca init --ca-dir ${o.caDir}\`, or point --ca-dir at it`);
  return o.local
    ? { kind: 'local', caDir: o.caDir, mqttUrl: o.mqttUrl }
    : { kind: 'aws', iot: iotClient({ region: o.region, endpoint: o.awsEndpoint }) };
}
