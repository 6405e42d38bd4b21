#!/usr/bin/env node
/**
 * smartstock-agent --config /etc/smartstock/agent.yaml [--validate-config]
 * Exit codes: 0 stopped cleanly, 1 crashed, 2 bad configuration.
 */
import { parseArgs } from 'node:util';
import { loadConfigOrExit, stopOnSignal } from '@smartstock/runtime';
import { loadAgentConfig } from './config/load.js';
import { checkConfigFiles } from './config/files.js';
import { startAgent } from './agent.js';

const HELP = `Usage: smartstock-agent --config <file> [--validate-config]

  --config <file>     the agent's YAML or JSON config (env SMARTSTOCK_CONFIG)
  --validate-config   check the file, print "config ok" and exit (2 if it is bad)
  -h, --help          show this help
`;

const { values } = parseArgs({
  options: {
    config: { type: 'string', short: 'c' },
    'validate-config': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const file = values.config ?? process.env.SMARTSTOCK_CONFIG;
if (!file) {
  process.stderr.write(`config error: --config: a config file is required\n${HELP}`);
  process.exit(2);
}
const config = loadConfigOrExit(() => {
  const c = loadAgentConfig(file);
  checkConfigFiles(c, file);
  return c;
});
if (values['validate-config']) {
  process.stdout.write(`config ok: ${file} (device ${config.deviceId}, ${config.cameras.length} camera(s))\n`);
  process.exit(0);
}

const agent = await startAgent(config);
stopOnSignal(() => agent.stop());
