export * from './config.js';
export * from './logger.js';
export * from './shutdown.js';
export * from './binaries.js';
export * from './ports.js';
export * from './csv.js';
export * from './camera-input.js';
export * from './network.js';
