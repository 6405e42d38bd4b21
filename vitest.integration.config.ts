import { defineConfig } from 'vitest/config';

/** `npm run test:integration`: against this machine's PostgreSQL (127.0.0.1:5432), Mosquitto (127.0.0.1:1883) and Redis (127.0.0.1:6379). */
export default defineConfig({
  test: {
    projects: ['protocol', 'api', 'models', 'edge-agent', 'cloud', 'dashboard', 'provisioning', 'pki', 'runtime', 'e2e'].map((ws) => ({
      extends: true,
      test: { name: `${ws}:int`, root: `./${ws}`, include: ['test/**/*.int.test.ts'] },
    })),
    passWithNoTests: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
