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
  const fileProblem = fileError(err as NodeJS.ErrnoException);
  if (fileProblem) return fileProblem;
  return new CliError(err.message ?? String(e), EXIT.failure);
}

/**
 * A file or folder the command could not read or write, in plain words ("ENOTDIR: not a directory,
 * mkdir …" is node's): a path the technician gave, so a usage error (exit 2).
 */
function fileError(err: NodeJS.ErrnoException): CliError | undefined {
  const path = err.path;
  if (!path) return err.code === 'ENOENT' ? usageError(err.message) : undefined;
  const making = err.syscall === 'mkdir';
  switch (err.code) {
    case 'ENOENT':
      return usageError(`no such file or folder ${path}`);
    case 'EACCES':
    case 'EPERM':
      return usageError(
        `permission denied: cannot ${making ? 'create the folder' : 'open'} ${path}`,
        'choose a path this user may write to (or read from)',
      );
    case 'ENOTDIR':
      return usageError(`cannot ${making ? 'create' : 'open'} ${path}: part of that path is a file, not a folder`, 'choose another path');
    case 'EISDIR':
      return usageError(`${path} is a folder, not a file`, 'name a file inside it');
    case 'EROFS':
      return usageError(`${path} is on a read-only disk`, 'choose a path on a writable disk');
    case 'ENOSPC':
      return new CliError(`the disk is full (writing ${path})`, EXIT.failure, 'free some space and run it again');
    default:
      return undefined;
  }
}
