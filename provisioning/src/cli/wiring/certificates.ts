import { Option, type Command } from 'commander';
import type { Io } from '../output.js';
import { action, type ExitBox } from '../action.js';
import { DEFAULT_CA_DIR } from '../options.js';
import { caInit } from '../../commands/ca-init.js';
import { caIssue } from '../../commands/ca-issue.js';
import { example } from './help.js';

/** `ca …`: the local certificate authority and the certificates it signs for brokers and services. */
export function addCaCommands(program: Command, io: Io, box: ExitBox): void {
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
}
