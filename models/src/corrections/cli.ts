// npm run export:corrections -w models -- --url http://localhost:8080 --out .cache/corrections
//   (token from --token or SMARTSTOCK_TOKEN), or --file corrections.jsonl for a saved export.
import { parseArgs } from 'node:util';
import { exportCorrections } from './export-command.js';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    file: { type: 'string' },
    since: { type: 'string' },
    out: { type: 'string', default: '.cache/corrections' },
  },
});

try {
  const r = await exportCorrections({ ...a, out: a.out!, token: a.token ?? process.env.SMARTSTOCK_TOKEN });
  console.log(`wrote ${r.images} labelled crops to ${a.out} (${r.withoutCrop} corrections had no crop)`);
} catch (e) {
  console.error(`export:corrections: ${(e as Error).message}`);
  process.exitCode = 1;
}
