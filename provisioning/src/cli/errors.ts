import { ConfigError, PortInUseError } from '@smartstock/runtime';
import { CliError, EXIT, usageError } from './output.js';
import { CloudError, NoCloudCredentialsError, UnknownVenueError } from '../cloud-client.js';
import { BundleExistsError } from '../bundle/index.js';
import { AlreadyProvisionedError } from '../devices/provision.js';

/** Turns what a command threw into the message, exit code and fix the technician sees. */
export function toCliError(e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof ConfigError) return usageError(e.message);
  if (e instanceof PortInUseError)
    return usageError(e.message, `give another ${e.key} (0 takes any free one), or stop the program that holds port ${e.port}`);
  if (e instanceof AlreadyProvisionedError)
    return new CliError(e.message, EXIT.failure, 'pick another --id, or `device rotate-cert` to give it a new certificate');
  if (e instanceof BundleExistsError)
    return new CliError(e.message, EXIT.failure, 'choose another --out, or --force to overwrite (the old key stops being usable)');
  if (e instanceof UnknownVenueError)
    return usageError(e.message, "the dashboard's Devices page shows the venue's id (GET /api/v1/venues lists them all)");
  if (e instanceof NoCloudCredentialsError) return usageError(e.message, e.fix);
  if (e instanceof CloudError) return new CliError(e.message, EXIT.failure, e.fix);
  const err = e as Error & { $metadata?: unknown; code?: string };
  if (err.name === 'CredentialsProviderError')
    return new CliError('no AWS credentials found', EXIT.failure, 'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  if (err.name === 'UnrecognizedClientException' || err.name === 'InvalidSignatureException')
    return new CliError(`AWS refused the credentials (${err.name})`, EXIT.failure, 'check the AWS profile or access keys');
  if (err.name === 'AccessDeniedException')
    return new CliError(
      `AWS denied the call: ${err.message}`,
      EXIT.failure,
      'the IAM user needs iot:* for things, certificates and policies',
    );
  if (err.$metadata) return new CliError(`AWS IoT: ${err.name}: ${err.message}`, EXIT.failure);
  if (err.code === 'ENOENT') return usageError(err.message);
  return new CliError(err.message ?? String(e), EXIT.failure);
}
