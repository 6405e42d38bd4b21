import { Option, type Command } from 'commander';
import type { Io } from '../output.js';
import { action, type ExitBox } from '../action.js';
import { withCloudOptions } from '../options.js';
import { orgCreate, orgList } from '../../commands/org.js';
import { example } from './help.js';

/** `org …`: organisations (bar groups) on a cloud, for its operators. */
export function addOrgCommands(program: Command, io: Io, box: ExitBox): void {
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
}
