import { DEVICE_ID_PATTERN } from '@smartstock/protocol';
import { CliError, EXIT, emit, usageError, type Ctx } from '../cli/output.js';
import { toCliError } from '../cli/errors.js';
import { iotClient, type ThingPolicy } from '../aws/devices.js';
import { devicePolicyName } from '../aws/policy.js';
import { checkDevicePolicy, listDevicePolicies, updateDevicePolicy } from '../aws/policy-rollout.js';
import type { AwsFlags } from './device-manage.js';

export interface UpdatePolicyOptions extends AwsFlags {
  id?: string;
  dryRun?: boolean;
}

type PolicyStatus = 'unchanged' | 'would-update' | 'updated' | 'failed';

interface PolicyOutcome {
  policyName: string;
  status: PolicyStatus;
  added: string[];
  removed: string[];
  versionId?: string;
  deletedVersionId?: string;
  error?: string;
}

/** The command `device create` and `rotate-cert` point to when they keep an out-of-date policy. */
export const updatePolicyCommand = (id: string): string => `smartstock-provision device update-policy --id ${id}`;

/** A thing's policy as `device create`, `rotate-cert` and `fleet import` report it; an out-of-date one carries its fix. */
export function policyReport(policy: ThingPolicy, id: string): ThingPolicy & { text: string; fix?: string } {
  switch (policy.state) {
    case 'created':
      return { ...policy, text: `${policy.name} (created)` };
    case 'current':
      return { ...policy, text: `${policy.name} (existing, current)` };
    case 'out-of-date': {
      const fix = updatePolicyCommand(id);
      const text = `${policy.name} (existing, OUT OF DATE: kept as it was, so AWS IoT may refuse what the agent does now; run \`${fix}\`)`;
      return { ...policy, text, fix };
    }
    case 'unchecked':
      return {
        ...policy,
        text: `${policy.name} (existing, not checked: ${policy.reason}; \`${updatePolicyCommand(id)} --dry-run\` checks it)`,
      };
  }
}

/**
 * `device update-policy`: every SmartStock device policy (or --id's) whose default version grants
 * other than what `device create` writes now gets the current document as a new default version.
 * A second run finds them current and changes nothing; one policy failing does not stop the others.
 */
export async function deviceUpdatePolicy(ctx: Ctx, options: UpdatePolicyOptions): Promise<void> {
  if (options.id !== undefined && !DEVICE_ID_PATTERN.test(options.id))
    throw usageError(`--id ${options.id} is not a device id (1-128 of a-z A-Z 0-9 : _ -)`, '`device list` shows the devices');
  const iot = iotClient({ region: options.region, endpoint: options.awsEndpoint });
  const names = options.id ? [devicePolicyName(options.id)] : await listDevicePolicies(iot);
  const outcomes: PolicyOutcome[] = [];
  for (const policyName of names) {
    try {
      const check = await checkDevicePolicy(iot, policyName);
      const { added, removed } = check.diff;
      if (check.state === 'current') outcomes.push({ policyName, status: 'unchanged', added, removed });
      else if (options.dryRun) outcomes.push({ policyName, status: 'would-update', added, removed });
      else outcomes.push({ policyName, status: 'updated', added, removed, ...(await updateDevicePolicy(iot, check)) });
    } catch (caught) {
      outcomes.push({ policyName, status: 'failed', added: [], removed: [], error: failureText(caught) });
    }
  }
  const count = (status: PolicyStatus) => outcomes.filter((outcome) => outcome.status === status).length;
  const summary = { updated: count('updated'), wouldUpdate: count('would-update'), unchanged: count('unchanged'), failed: count('failed') };
  emit(ctx, { dryRun: Boolean(options.dryRun), summary, policies: outcomes }, () => report(outcomes, summary, Boolean(options.dryRun)));
  // the report names each failure; this only sets the exit code without printing a second error
  if (summary.failed > 0) throw new CliError('', EXIT.failure);
}

/** What AWS answered, by its error name (AccessDeniedException, ResourceNotFoundException …), and the fix where one is known. */
function failureText(caught: unknown): string {
  const err = toCliError(caught);
  const { name, message, $metadata } = caught as Error & { $metadata?: unknown };
  const said = $metadata ? `AWS IoT ${name}: ${message}` : err.message;
  const fix = name === 'ResourceNotFoundException' ? 'no such policy: check --id and --region (`device list` shows the devices)' : err.fix;
  return fix ? `${said} (${fix})` : said;
}

function report(outcomes: PolicyOutcome[], summary: Record<string, number>, dryRun: boolean): string {
  if (outcomes.length === 0) return 'No SmartStock device policies (smartstock-device-*) in this account and region.';
  const lines: string[] = [];
  const shownDiffs = new Map<string, string>();
  for (const outcome of outcomes) {
    lines.push(`${outcome.policyName}  ${statusText(outcome)}`);
    if (outcome.status === 'unchanged' || outcome.status === 'failed') continue;
    // old policies differ from the current document in the same way: a fleet's report shows it once
    const diff = [...outcome.removed.map((grant) => `  - ${grant}`), ...outcome.added.map((grant) => `  + ${grant}`)].join('\n');
    const first = shownDiffs.get(diff);
    if (first) lines.push(`  (the same changes as ${first})`);
    else {
      shownDiffs.set(diff, outcome.policyName);
      lines.push(diff);
    }
  }
  lines.push(
    '',
    dryRun
      ? `Dry run, nothing changed: ${summary.wouldUpdate} to update, ${summary.unchanged} unchanged, ${summary.failed} failed.` +
          (summary.wouldUpdate ? ' Run it again without --dry-run to update them.' : '')
      : `${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.failed} failed.`,
  );
  return lines.join('\n');
}

function statusText(outcome: PolicyOutcome): string {
  switch (outcome.status) {
    case 'unchanged':
      return 'unchanged (current)';
    case 'would-update':
      return 'would update';
    case 'updated':
      return `updated: version ${outcome.versionId} is the default${
        outcome.deletedVersionId ? ` (deleted the oldest version, ${outcome.deletedVersionId}, to stay within AWS's 5)` : ''
      }`;
    case 'failed':
      return `failed: ${outcome.error}`;
  }
}
