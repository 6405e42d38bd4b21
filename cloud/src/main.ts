import { exitOnPortInUse, loadConfigOrExit, stopOnSignal } from '@smartstock/runtime';
import { CLOUD_ENV, loadCloudConfig } from './config.js';
import { startCloud } from './server.js';

const fileArg = process.argv.indexOf('--config');
const config = loadConfigOrExit(() => loadCloudConfig({ file: fileArg > 0 ? process.argv[fileArg + 1] : process.env.SMARTSTOCK_CONFIG }));
// a port in use names the environment variable that moves it
const moveWith = Object.fromEntries(Object.entries(CLOUD_ENV).map(([env, key]) => [key, env]));
const cloud = await exitOnPortInUse(() => startCloud(config), moveWith);
stopOnSignal(async () => {
  await cloud.stop();
});
