export * from './ca.js';
