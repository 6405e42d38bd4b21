import { Command, CommanderError, Option } from 'commander';
import { EXIT, processIo, type Io } from '../output.js';
import { action, type ExitBox } from '../action.js';
import { checkRequiredAfterUnknown, withCloudOptions } from '../options.js';
import { verify } from '../../commands/verify.js';
import { addCaCommands } from './certificates.js';
import { addOrgCommands } from './organisations.js';
import { addDeviceCommands } from './devices.js';
import { addCameraCommands } from './cameras.js';
import { EXIT_CODES, example } from './help.js';

/**
 * smartstock-provision's commands and their flags, wired to the functions in commands/*.ts that do
 * the work. Each group of commands is wired in a file of its own beside this one.
 */
export function buildProgram(io: Io, box: ExitBox): Command {
  const program = new Command('smartstock-provision')
    .description('Set up SmartStock devices: certificates, AWS IoT things, device bundles, cameras.')
    .version('0.1.0')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addOption(new Option('--json', 'print one JSON result on stdout, for scripts').env('SMARTSTOCK_JSON'))
    .addHelpText('after', EXIT_CODES);

  addCaCommands(program, io, box);
  addOrgCommands(program, io, box);
  addDeviceCommands(program, io, box);
  addCameraCommands(program, io, box);

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
