export { startCloud, type RunningCloud } from './server.js';
export { loadCloudConfig, cloudConfigSchema, type CloudConfig } from './config.js';
export { buildApp } from './app.js';
export { DEMO_ITEMS, type DemoSeed } from './seed/index.js';
