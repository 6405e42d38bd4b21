export { startFeatures, type FeatureDeps, type Features } from './features.js';
export { apiModules, type ApiModuleDeps } from './api-modules.js';
