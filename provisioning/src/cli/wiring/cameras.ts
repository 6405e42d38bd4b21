import { Option, type Command } from 'commander';
import type { Io } from '../output.js';
import { action, type ExitBox } from '../action.js';
import { withCloudOptions } from '../options.js';
import { cameraProbe } from '../../commands/camera-probe.js';
import { cameraPreview } from '../../commands/camera-preview.js';
import { CAMERA_URL_ENV } from '../../camera/url-input.js';
import { slotsSuggest } from '../../commands/slots-suggest.js';
import { slotsApply } from '../../commands/slots-apply.js';
import { detectorImport } from '../../commands/detector-import.js';
import { example } from './help.js';

/** The camera URL argument: its password is never printed, and need not be on the command line at all. */
const CAMERA_URL_HELP = `rtsp://user:pass@host:554/path (the password is never printed); \`-\` reads it from stdin (one line), none takes ${CAMERA_URL_ENV}: either keeps the password out of \`ps\``;

/** `camera …`, `slots …` and `detector …`: setting up what a device's cameras see and how it counts it. */
export function addCameraCommands(program: Command, io: Io, box: ExitBox): void {
  const camera = program.command('camera').description('check and aim cameras');
  camera
    .command('probe')
    .description('read a few seconds of a camera: codec, resolution, frame rate, keyframe interval, one frame, warnings')
    .argument('[url]', CAMERA_URL_HELP)
    .addOption(new Option('--seconds <s>', 'how long to read').env('SMARTSTOCK_PROBE_SECONDS').default('6'))
    .addOption(new Option('--frame <file>', 'where to save one frame').env('SMARTSTOCK_PROBE_FRAME').default('camera-frame.jpg'))
    .addOption(new Option('--transport <t>', 'RTSP transport').choices(['tcp', 'udp']).env('SMARTSTOCK_RTSP_TRANSPORT').default('tcp'))
    .addOption(new Option('--shelf-distance <m>', 'metres to the farthest shelf').env('SMARTSTOCK_SHELF_DISTANCE').default('2'))
    .addOption(new Option('--ffmpeg <path>', 'ffmpeg binary (default: ffmpeg on PATH, else the npm build)').env('SMARTSTOCK_FFMPEG'))
    .addHelpText(
      'after',
      example(
        '  $ smartstock-provision camera probe rtsp://admin:secret@192.168.1.20:554/stream1 --frame shelf.jpg\n' +
          '  $ printf \'%s\\n\' "$CAMERA_URL" | smartstock-provision camera probe -     # the password stays out of ps',
      ),
    )
    .action(action(io, box, cameraProbe));

  camera
    .command('preview')
    .description('show the camera live on a loopback web page (MJPEG), for aiming; Ctrl-C stops')
    .argument('[url]', CAMERA_URL_HELP)
    .addOption(new Option('--host <host>', 'loopback address to listen on').env('SMARTSTOCK_PREVIEW_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port (0: any free one)').env('SMARTSTOCK_PREVIEW_PORT').default('8090'))
    .addOption(new Option('--fps <n>', 'frames per second on the page').env('SMARTSTOCK_PREVIEW_FPS').default('5'))
    .addOption(new Option('--transport <t>', 'RTSP transport').choices(['tcp', 'udp']).env('SMARTSTOCK_RTSP_TRANSPORT').default('tcp'))
    .addOption(new Option('--ffmpeg <path>', 'ffmpeg binary (default: ffmpeg on PATH, else the npm build)').env('SMARTSTOCK_FFMPEG'))
    .addHelpText(
      'after',
      example(
        '  $ smartstock-provision camera preview rtsp://admin:secret@192.168.1.20:554/stream1   # then open http://127.0.0.1:8090/\n' +
          '  $ SMARTSTOCK_CAMERA_URL=$CAMERA_URL smartstock-provision camera preview               # the password stays out of ps',
      ),
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
}
