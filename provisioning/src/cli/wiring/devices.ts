import { Option, type Command } from 'commander';
import type { Io } from '../output.js';
import { action, type ExitBox } from '../action.js';
import { withAwsOptions, withBackendOptions, withCloudOptions } from '../options.js';
import { deviceCreate } from '../../commands/device-create.js';
import { deviceList, deviceRevoke, deviceRotateCert } from '../../commands/device-manage.js';
import { deviceUpdatePolicy } from '../../commands/device-policy.js';
import { fleetImport } from '../../commands/fleet-import.js';
import { example } from './help.js';

/** `device …` and `fleet …`: a device's identity, certificate and bundle, one at a time or from a CSV. */
export function addDeviceCommands(program: Command, io: Io, box: ExitBox): void {
  const device = program.command('device').description('devices: identity, certificate, bundle');
  withCloudOptions(
    withBackendOptions(
      device
        .command('create')
        .description('create a device and write its bundle (agent.yaml, device.crt, device.key, ca.crt)')
        .addOption(
          new Option(
            '--venue <id>',
            "the venue's id (a UUID, on the dashboard's Devices page); only the cloud knows the venues, so it is checked only with --cloud-url",
          )
            .env('SMARTSTOCK_VENUE')
            .makeOptionMandatory(),
        )
        .addOption(
          new Option('--name <name>', 'what the bar calls it, e.g. "Main bar edge"').env('SMARTSTOCK_DEVICE_NAME').makeOptionMandatory(),
        )
        .addOption(new Option('--id <thing>', 'thing name = MQTT client id (default: from venue and name)').env('SMARTSTOCK_DEVICE_ID'))
        .addOption(new Option('--out <path>', 'bundle folder, or a .tar/.tgz file (default: bundles/<id>)').env('SMARTSTOCK_BUNDLE_OUT'))
        .addOption(new Option('--agent-data-dir <dir>', "the agent's data folder on the device").env('SMARTSTOCK_AGENT_DATA_DIR'))
        .addOption(
          new Option(
            '--install-dir <dir>',
            'write absolute file paths for this folder on the device (default: relative to agent.yaml)',
          ).env('SMARTSTOCK_INSTALL_DIR'),
        )
        .addOption(new Option('--force', 'overwrite an existing bundle').env('SMARTSTOCK_FORCE')),
    ),
  )
    .addHelpText(
      'after',
      example(
        '  $ SMARTSTOCK_TOKEN=… smartstock-provision device create --venue 6d1f3c1e-8a53-4c8e-9a43-2f7d0c1b9e11 --name "Main bar edge" \\\n' +
          '      --cloud-url https://cloud.example\n' +
          '  $ smartstock-provision device create --local --venue 6d1f3c1e-8a53-4c8e-9a43-2f7d0c1b9e11 --name "Main bar edge" --out bundles/main-bar.tgz',
      ),
    )
    .action(action(io, box, deviceCreate));

  const idOption = () => new Option('--id <thing>', 'the device (thing name)').env('SMARTSTOCK_DEVICE_ID').makeOptionMandatory();
  withAwsOptions(device.command('list').description('SmartStock devices on AWS IoT and their certificates'))
    .addHelpText('after', example('  $ smartstock-provision device list --region eu-west-1 --json'))
    .action(action(io, box, deviceList));

  withCloudOptions(
    withAwsOptions(device.command('revoke').description('deactivate and detach the device certificates; mark it revoked in the cloud')),
  )
    .addOption(idOption())
    .addOption(new Option('--local', 'a local-CA device: revoke it in the cloud only').env('SMARTSTOCK_LOCAL'))
    .addHelpText('after', example('  $ smartstock-provision device revoke --id rooftop-main-bar --cloud-url https://cloud.example'))
    .action(action(io, box, deviceRevoke));

  withAwsOptions(
    device
      .command('rotate-cert')
      .description('step 1: a new certificate and bundle beside the old; step 2 (--retire-old): deactivate the old ones'),
  )
    .addOption(idOption())
    .addOption(new Option('--out <path>', 'new bundle folder or .tgz (default: bundles/<id>-rotated)').env('SMARTSTOCK_BUNDLE_OUT'))
    .addOption(new Option('--retire-old', 'step 2: deactivate every certificate but --keep').env('SMARTSTOCK_RETIRE_OLD'))
    .addOption(new Option('--keep <certificateId>', 'the certificate to keep (step 1 prints it)').env('SMARTSTOCK_KEEP_CERT'))
    .addOption(new Option('--force', 'overwrite an existing bundle').env('SMARTSTOCK_FORCE'))
    .addHelpText(
      'after',
      example(
        '  $ smartstock-provision device rotate-cert --id rooftop-main-bar --out bundles/rooftop-new.tgz\n' +
          '  $ smartstock-provision device rotate-cert --id rooftop-main-bar --retire-old --keep 3f2a…',
      ),
    )
    .action(action(io, box, deviceRotateCert));

  withAwsOptions(
    device
      .command('update-policy')
      .description("give every device's AWS IoT policy (or --id's) the document `device create` writes now, as a new default version"),
  )
    .addOption(new Option('--id <thing>', 'only this device (default: every smartstock-device-* policy)').env('SMARTSTOCK_DEVICE_ID'))
    .addOption(new Option('--dry-run', 'print what would change, change nothing').env('SMARTSTOCK_DRY_RUN'))
    .addHelpText(
      'after',
      example(
        '  $ smartstock-provision device update-policy --region eu-west-1 --dry-run\n  $ smartstock-provision device update-policy --region eu-west-1',
      ),
    )
    .action(action(io, box, deviceUpdatePolicy));

  const fleet = program.command('fleet').description('many devices at once');
  withCloudOptions(
    withBackendOptions(
      fleet
        .command('import')
        .description('create every device in a CSV (columns: id, venue, name); re-running skips those already created')
        .argument('<devices.csv>', 'header row, then one device per row; id may be empty'),
    ),
  )
    .addOption(new Option('--out-dir <dir>', 'where bundles go, one per device').env('SMARTSTOCK_BUNDLE_DIR').default('bundles'))
    .addOption(new Option('--tar', 'write each bundle as <id>.tgz').env('SMARTSTOCK_BUNDLE_TAR'))
    .addHelpText(
      'after',
      example('  $ SMARTSTOCK_TOKEN=… smartstock-provision fleet import devices.csv --cloud-url https://cloud.example --tar'),
    )
    .action(action(io, box, fleetImport));
}
