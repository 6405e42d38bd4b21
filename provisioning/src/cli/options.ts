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

/** The cloud and how to sign in to it; `purpose` says what this command does there. */
export function withCloudOptions(cmd: Command, purpose = 'the SmartStock cloud to register devices with'): Command {
  return cmd
    .addOption(new Option('--cloud-url <url>', `${purpose}, e.g. https://cloud.example`).env('SMARTSTOCK_CLOUD_URL'))
    .addOption(new Option('--token <token>', 'your API token (prefer the env variable)').env('SMARTSTOCK_TOKEN'))
    .addOption(new Option('--email <email>', 'your login e-mail, when no token').env('SMARTSTOCK_EMAIL'))
    .addOption(new Option('--password <password>', 'your password (prefer the env variable)').env('SMARTSTOCK_PASSWORD'));
}

/**
 * Commander checks required flags before unknown ones, so `--venu x` was reported as a missing
 * --venue, hiding the typo. Every required flag (declared with makeOptionMandatory) is instead
 * checked just before the command runs, after commander has refused unknown flags with its
 * "did you mean" suggestion; the help marks it "(required)".
 */
export function checkRequiredAfterUnknown(program: Command): Command {
  const required = new WeakMap<Command, Option[]>();
  const walk = (cmd: Command) => {
    const own = cmd.options.filter((option) => option.mandatory);
    for (const option of own) {
      option.mandatory = false;
      option.description = `${option.description} (required)`;
    }
    if (own.length) required.set(cmd, own);
    cmd.commands.forEach(walk);
  };
  walk(program);
  return program.hook('preAction', (_program, command) => {
    for (const option of required.get(command) ?? []) {
      if (command.getOptionValue(option.attributeName()) !== undefined) continue;
      const env = option.envVar ? ` (or ${option.envVar})` : '';
      command.error(`error: missing required option ${option.flags}${env}`, { exitCode: 2, code: 'commander.missingMandatoryOptionValue' });
    }
  });
}

export interface CloudFlags {
  cloudUrl?: string;
  token?: string;
  email?: string;
  password?: string;
}

export function cloudFrom(o: CloudFlags): CloudClient | undefined {
  if (!o.cloudUrl) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(o.cloudUrl);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol))
    throw usageError(
      `--cloud-url ${o.cloudUrl} is not a web address`,
      "give the cloud's address as the dashboard is opened, e.g. https://cloud.example",
    );
  return new CloudClient(o.cloudUrl, { token: o.token, email: o.email, password: o.password });
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

/** A --ca-dir without the CA is a configuration mistake (exit 2), said before anything is written. */
export function requireLocalCa(caDir: string): void {
  if (!existsSync(join(caDir, CA_FILES.cert)) || !existsSync(join(caDir, CA_FILES.key)))
    throw usageError(`no local CA in ${caDir}`, `run \`smartstock-provision ca init --ca-dir ${caDir}\`, or point --ca-dir at it`);
}

export function backendFrom(o: BackendFlags): Backend {
  if (o.local) requireLocalCa(o.caDir);
  return o.local
    ? { kind: 'local', caDir: o.caDir, mqttUrl: o.mqttUrl }
    : { kind: 'aws', iot: iotClient({ region: o.region, endpoint: o.awsEndpoint }) };
}
