export * from './ca.js';
export * from './server-cert.js';
