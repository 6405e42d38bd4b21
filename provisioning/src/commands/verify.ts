import { CliError, EXIT, emit, usageError, type Ctx } from '../cli/output.js';
import { cloudFrom, type CloudFlags } from '../cli/options.js';
import { readBundle } from '../bundle/index.js';
import { checkBrokerTls, checkClock, checkEndpoint, checkFiles, type Step } from '../verify/checks.js';
import { roundTrip } from '../verify/round-trip.js';

export interface VerifyOptions extends CloudFlags {
  timeout: string;
  cloudWait: string;
}

/**
 * Checks a bundle the way the agent will use it, stopping at the first
 * failed step: later steps would only fail for the same reason. Run it
 * before starting the agent: it connects with the agent's client id.
 */
export async function verify(ctx: Ctx, options: VerifyOptions, args: string[], now: () => Date = () => new Date()): Promise<void> {
  const timeoutMs = Number(options.timeout) * 1000;
  const cloudWaitMs = Number(options.cloudWait) * 1000;
  if (!(timeoutMs > 0) || !(cloudWaitMs >= 0)) throw usageError('--timeout and --cloud-wait take seconds');
  let bundle;
  try {
    bundle = await readBundle(args[0]!);
  } catch (e) {
    throw usageError((e as Error).message, 'give the bundle folder or .tgz written by `device create`');
  }
  const cloud = cloudFrom(options);
  const steps: Step[] = [];
  const run = async (check: () => Step | Promise<Step>) => {
    if (steps.some((step) => !step.ok)) return;
    steps.push(await check());
  };
  await run(() => checkFiles(bundle));
  await run(() => checkClock(bundle, now()));
  await run(() => checkEndpoint(bundle, timeoutMs));
  await run(() => checkBrokerTls(bundle, timeoutMs));
  if (steps.every((step) => step.ok))
    steps.push(...(await roundTrip(bundle, { timeoutMs, cloudWaitMs, cloud, agentVersion: 'smartstock-provision-verify' })));
  if (!cloud && steps.every((step) => step.ok)) steps.push({ step: 'cloud', ok: true, detail: 'not checked (no --cloud-url)' });
  const ok = steps.every((step) => step.ok);
  emit(ctx, { deviceId: bundle.deviceId, passed: ok, steps }, () =>
    [
      `Verify ${bundle.deviceId} → ${bundle.mqttUrl}`,
      ...steps.map(
        (step) => `  ${step.ok ? 'ok  ' : 'FAIL'} ${step.step.padEnd(8)} ${step.detail}${step.fix ? `\n       fix: ${step.fix}` : ''}`,
      ),
      ok ? 'All checks passed: start the agent.' : 'Fix the failed step and run verify again.',
    ].join('\n'),
  );
  if (!ok) throw new CliError('', EXIT.failure); // the steps above are the report
}
