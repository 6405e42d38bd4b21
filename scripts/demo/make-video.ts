/**
 * `npm run demo:video [-- --out DIR]`: renders the demo shelf video (the same footage
 * `npm start` shows) for the self-hosted stack's demo camera; compose mounts docker/demo.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '@smartstock/runtime';
import { ensureDemoVideo } from './video.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docker/demo' } } });
const video = await ensureDemoVideo(values.out!, createLogger('demo-video'));
process.stdout.write(`${video.path} (${video.slots.length} slots)\n`);
