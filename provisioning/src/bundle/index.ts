export * from './layout.js';
export * from './io.js';
export * from './amazon-root-ca.js';
