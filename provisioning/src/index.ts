import { Command, CommanderError, Option } from 'commander';
import { EXIT, processIo, type Io } from './cli/output.js';
import { action, type ExitBox } from './cli/action.js';
import { DEFAULT_CA_DIR, checkRequiredAfterUnknown, withAwsOptions, withBackendOptions, withCloudOptions } from './cli/options.js';
import { caInit } from './commands/ca-init.js';
import { caIssue } from './commands/ca-issue.js';
import { deviceCreate } from './commands/device-create.js';
import { cameraProbe } from './commands/camera-probe.js';
import { cameraPreview } from './commands/camera-preview.js';
import { verify } from './commands/verify.js';
import { slotsSuggest } from './commands/slots-suggest.js';
import { slotsApply } from './commands/slots-apply.js';
import { detectorImport } from './commands/detector-import.js';
import { fleetImport } from './commands/fleet-import.js';
import { deviceList, deviceRevoke, deviceRotateCert } from './commands/device-manage.js';
import { deviceUpdatePolicy } from './commands/device-policy.js';
import { orgCreate, orgList } from './commands/org.js';

/**
 * smartstock-provision: the technician's tool. This file only wires commands
 * to their flags; each command's logic lives in commands/*.ts.
 */
export * from './bundle/index.js';
export { CloudClient, type CloudAuth } from './cloud-client.js';
export { provisionDevice, type DeviceCreated } from './devices/provision.js';
export { devicePolicyDocument, devicePolicyName } from './aws/policy.js';

const EXIT_CODES = `
Exit codes:
  0  done
  1  the work failed (AWS, the cloud, the broker, the camera said no); the message says what to fix
  2  bad usage or configuration (unknown flag, missing argument, unreadable file, a --venue the cloud does not know); nothing was changed

Every flag can also be set by the environment variable shown in its help.`;

const example = (lines: string) => `\nExample:\n${lines}`;

export function buildProgram(io: Io, box: ExitBox): Command {
  const program = new Command('smartstock-provision')
    .description('Set up SmartStock devices: certificates, AWS IoT things, device bundles, cameras.')
    .version('0.1.0')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addOption(new Option('--json', 'print one JSON result on stdout, for scripts').env('SMARTSTOCK_JSON'))
    .addHelpText('after', EXIT_CODES);

  const ca = program.command('ca').description('the local certificate authority for the embedded or self-hosted broker');
  ca.command('init')
    .description('create the local CA (kept if it exists); its key never leaves this disk')
    .addOption(new Option('--ca-dir <dir>', 'where ca.crt and ca.key go').env('SMARTSTOCK_CA_DIR').default(DEFAULT_CA_DIR))
    .addOption(new Option('--name <cn>', 'the CA certificate common name').env('SMARTSTOCK_CA_NAME'))
    .addHelpText('after', example('  $ smartstock-provision ca init --ca-dir ./data/pki'))
    .action(action(io, box, caInit));
  const caDirOption = () => new Option('--ca-dir <dir>', 'the local CA (from `ca init`)').env('SMARTSTOCK_CA_DIR').default(DEFAULT_CA_DIR);
  ca.command('issue-server')
    .description("the broker's TLS server certificate, signed by the local CA")
    .addOption(caDirOption())
    .addOption(new Option('--out <dir>', 'where <name>.crt, <name>.key and ca.crt go').env('SMARTSTOCK_CERT_OUT').makeOptionMandatory())
    .addOption(new Option('--name <stem>', 'file name stem').env('SMARTSTOCK_CERT_NAME').default('server'))
    .addOption(
      new Option('--hosts <list>', 'comma-separated host names and IPs clients connect to')
        .env('SMARTSTOCK_CERT_HOSTS')
        .default('localhost,127.0.0.1'),
    )
    .addHelpText('after', example('  $ smartstock-provision ca issue-server --ca-dir /pki --out /certs --hosts mosquitto,localhost'))
    .action(action(io, box, caIssue('server')));
  ca.command('issue-client')
    .description('a client certificate for a service (not a device): its CN is its identity at the broker')
    .addOption(caDirOption())
    .addOption(new Option('--out <dir>', 'where <name>.crt, <name>.key and ca.crt go').env('SMARTSTOCK_CERT_OUT').makeOptionMandatory())
    .addOption(new Option('--name <stem>', 'file name stem').env('SMARTSTOCK_CERT_NAME').makeOptionMandatory())
    .addOption(new Option('--cn <commonName>', 'the identity (default: the name)').env('SMARTSTOCK_CERT_CN'))
    .addHelpText('after', example('  $ smartstock-provision ca issue-client --ca-dir /pki --out /certs --name cloud --cn smartstock-cloud'))
    .action(action(io, box, caIssue('client')));

  const org = program.command('org').description("organisations (bar groups) on a cloud: for the cloud's operators");
  withCloudOptions(
    org
      .command('create')
      .description('a new organisation and an invitation link for its owner, who sets their password by it')
      .addOption(
        new Option('--name <name>', 'the organisation, e.g. "Harbour Bars Ltd"').env('SMARTSTOCK_ORGANISATION').makeOptionMandatory(),
      )
      .addOption(new Option('--owner-email <email>', "the owner's e-mail").env('SMARTSTOCK_OWNER_EMAIL').makeOptionMandatory()),
  )
    .addHelpText(
      'after',
      example(
        '  $ SMARTSTOCK_TOKEN=… smartstock-provision org create --name "Harbour Bars" --owner-email ana@harbour.example --cloud-url https://cloud.example',
      ),
    )
    .action(action(io, box, orgCreate));
  withCloudOptions(org.command('list').description('every organisation on the cloud, with its members, venues and state'))
    .addHelpText('after', example('  $ smartstock-provision org list --cloud-url https://cloud.example --json'))
    .action(action(io, box, orgList));

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

  const camera = program.command('camera').description('check and aim cameras');
  camera
    .command('probe')
    .description('read a few seconds of a camera: codec, resolution, frame rate, keyframe interval, one frame, warnings')
    .argument('<url>', 'rtsp://user:pass@host:554/path (the password is never printed)')
    .addOption(new Option('--seconds <s>', 'how long to read').env('SMARTSTOCK_PROBE_SECONDS').default('6'))
    .addOption(new Option('--frame <file>', 'where to save one frame').env('SMARTSTOCK_PROBE_FRAME').default('camera-frame.jpg'))
    .addOption(new Option('--transport <t>', 'RTSP transport').choices(['tcp', 'udp']).env('SMARTSTOCK_RTSP_TRANSPORT').default('tcp'))
    .addOption(new Option('--shelf-distance <m>', 'metres to the farthest shelf').env('SMARTSTOCK_SHELF_DISTANCE').default('2'))
    .addOption(new Option('--ffmpeg <path>', 'ffmpeg binary (default: ffmpeg on PATH, else the npm build)').env('SMARTSTOCK_FFMPEG'))
    .addHelpText('after', example('  $ smartstock-provision camera probe rtsp://admin:secret@192.168.1.20:554/stream1 --frame shelf.jpg'))
    .action(action(io, box, cameraProbe));

  camera
    .command('preview')
    .description('show the camera live on a loopback web page (MJPEG), for aiming; Ctrl-C stops')
    .argument('<url>', 'rtsp://user:pass@host:554/path (the password is never printed)')
    .addOption(new Option('--host <host>', 'loopback address to listen on').env('SMARTSTOCK_PREVIEW_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port (0: any free one)').env('SMARTSTOCK_PREVIEW_PORT').default('8090'))
    .addOption(new Option('--fps <n>', 'frames per second on the page').env('SMARTSTOCK_PREVIEW_FPS').default('5'))
    .addOption(new Option('--transport <t>', 'RTSP transport').choices(['tcp', 'udp']).env('SMARTSTOCK_RTSP_TRANSPORT').default('tcp'))
    .addOption(new Option('--ffmpeg <path>', 'ffmpeg binary (default: ffmpeg on PATH, else the npm build)').env('SMARTSTOCK_FFMPEG'))
    .addHelpText(
      'after',
      example('  $ smartstock-provision camera preview rtsp://admin:secret@192.168.1.20:554/stream1   # then open http://127.0.0.1:8090/'),
    )
    .action(action(io, box, cameraPreview));

  const slots = program.command('slots').description('shelf slots: where each bottle stands');
  slots
    .command('suggest')
    .description('detect the bottles in a frame, group them into shelf rows and slots, write a slots file to review')
    .argument('<frame.jpg>', 'a frame from the camera (`camera probe --frame`)')
    .addOption(new Option('--out <file>', 'slots file to write').env('SMARTSTOCK_SLOTS_OUT').default('slots.json'))
    .addOption(new Option('--camera <id>', 'the camera these slots belong to').env('SMARTSTOCK_CAMERA_ID').default('cam-1'))
    .addOption(new Option('--model-dir <dir>', 'detector and fill models (default: the committed ones)').env('SMARTSTOCK_MODEL_DIR'))
    .addOption(new Option('--min-score <p>', 'lowest detector score that counts as a bottle').env('SMARTSTOCK_MIN_SCORE').default('0.4'))
    .addHelpText(
      'after',
      example(
        '  $ smartstock-provision slots suggest shelf.jpg --camera back-bar --out back-bar.slots.json\n' +
          '  then give each slot its sku in back-bar.slots.json, and `slots apply back-bar.slots.json --device …`',
      ),
    )
    .action(action(io, box, slotsSuggest));
  withCloudOptions(
    slots
      .command('apply')
      .description("put a reviewed slots file on the device's camera in the cloud: each sku becomes the catalogue's item")
      .argument('<slots.json>', 'the file `slots suggest` wrote, with a sku given to each slot')
      .addOption(
        new Option('--device <id>', 'the device the camera is on (its id, as `device create` printed it)')
          .env('SMARTSTOCK_DEVICE_ID')
          .makeOptionMandatory(),
      )
      .addOption(new Option('--camera <id>', 'the camera (default: the one the file names)').env('SMARTSTOCK_CAMERA_ID'))
      .addOption(new Option('--url <rtsp>', 'to add a camera the device does not have yet: its RTSP URL').env('SMARTSTOCK_CAMERA_URL'))
      .addOption(
        new Option('--location <name>', 'to add a camera: the location it watches, by name ("Main Bar") or id').env(
          'SMARTSTOCK_CAMERA_LOCATION',
        ),
      ),
    'the SmartStock cloud the device is registered with',
  )
    .addHelpText(
      'after',
      example(
        '  $ SMARTSTOCK_TOKEN=… smartstock-provision slots apply back-bar.slots.json --device main-bar-k3v9q2m7x4pt --cloud-url https://cloud.example\n' +
          'Every sku must be an item of the catalogue; if one is not, nothing is uploaded and each such sku is named.\n' +
          'The camera keeps its URL, location and settings; only its slots are replaced.',
      ),
    )
    .action(action(io, box, slotsApply));

  const detector = program.command('detector').description('the bottle detector: bring your own YOLO model');
  detector
    .command('import')
    .description(
      'make a model folder from an Ultralytics YOLOv8 / YOLO11 or a YOLOX ONNX export (classes and input size read from the export), check it runs',
    )
    .argument('<model.onnx>', 'the export (`yolo export model=yolo11n.pt format=onnx`, or YOLOX tools/export_onnx.py)')
    .addOption(
      new Option('--out <dir>', "model folder to write (the agent's vision.modelDir)").env('SMARTSTOCK_MODEL_DIR').default('models'),
    )
    .addOption(
      new Option('--bottle-classes <names>', 'comma-separated classes that count as bottles (default: "bottle")').env(
        'SMARTSTOCK_BOTTLE_CLASSES',
      ),
    )
    .addOption(
      new Option('--classes <names>', 'comma-separated class names in output order, for an export without them').env(
        'SMARTSTOCK_DETECTOR_CLASSES',
      ),
    )
    .addOption(new Option('--input <WxH>', 'input size, for an export without it (e.g. 640x640)').env('SMARTSTOCK_DETECTOR_INPUT'))
    .addOption(new Option('--name <name>', 'model name reported with each count (default: the file name)').env('SMARTSTOCK_DETECTOR_NAME'))
    .addOption(
      new Option('--format <format>', 'yolo or yolox (default: read from the export)')
        .choices(['yolo', 'yolox'])
        .env('SMARTSTOCK_DETECTOR_FORMAT'),
    )
    .addOption(
      new Option('--decoded', 'a YOLOX export that decodes its boxes itself (decode_in_inference)').env('SMARTSTOCK_DETECTOR_DECODED'),
    )
    .addOption(new Option('--frame <frame.jpg>', 'check it on this camera frame (default: a generated shelf)').env('SMARTSTOCK_FRAME'))
    .addOption(new Option('--no-fill', 'leave out the SmartStock fill model (counts only, no fill levels)').env('SMARTSTOCK_NO_FILL'))
    .addOption(new Option('--force', 'replace the model files of a folder that is not empty').env('SMARTSTOCK_FORCE'))
    .addHelpText('after', example('  $ smartstock-provision detector import yolo11s.onnx --out /etc/smartstock/yolo11s --frame shelf.jpg'))
    .action(action(io, box, detectorImport));

  withCloudOptions(
    program
      .command('verify')
      .description('check a bundle end to end: files, clock, endpoint, TLS, connect, publish, arrival in the cloud')
      .argument('<bundle>', 'bundle folder or .tgz'),
  )
    .addOption(new Option('--timeout <s>', 'seconds for each network step').env('SMARTSTOCK_VERIFY_TIMEOUT').default('15'))
    .addOption(
      new Option('--cloud-wait <s>', 'seconds to wait for the cloud to record the status')
        .env('SMARTSTOCK_VERIFY_CLOUD_WAIT')
        .default('20'),
    )
    .addHelpText('after', example('  $ SMARTSTOCK_TOKEN=… smartstock-provision verify /etc/smartstock --cloud-url https://cloud.example'))
    .action(action(io, box, verify));

  return checkRequiredAfterUnknown(program);
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  const box: ExitBox = { code: EXIT.ok };
  try {
    await buildProgram(io, box).parseAsync(argv, { from: 'user' });
    return box.code;
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.exitCode === 0) return EXIT.ok;
    // commander has told a person on stderr; a script that asked for --json reads stdout, and gets its object too
    if (argv.includes('--json') || process.env.SMARTSTOCK_JSON) {
      const error = e.message.replace(/^error: /, '').replace(/\n/g, ' ');
      io.stdout(`${JSON.stringify({ ok: false, error, fix: 'run the command with --help for its usage', exitCode: EXIT.usage })}\n`);
    }
    return EXIT.usage;
  }
}
