import { loadConfigOrExit, stopOnSignal } from '@smartstock/runtime';
import { loadCloudConfig } from './config.js';
import { startCloud } from './server.js';

const fileArg = process.argv.indexOf('--config');
const config = loadConfigOrExit(() => loadCloudConfig({ file: fileArg > 0 ? process.argv[fileArg + 1] : process.env.SMARTSTOCK_CONFIG }));
const cloud = await startCloud(config);
stopOnSignal(() => cloud.stop());
