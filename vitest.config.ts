import { defineConfig } from 'vitest/config';

/** `npm test`: everything that runs without outside services (PGlite, aedes, local ffmpeg/Chromium). */
export default defineConfig({
  test: {
    projects: ['protocol', 'api', 'models', 'edge-agent', 'cloud', 'dashboard', 'provisioning', 'pki', 'runtime', 'e2e'].map((ws) => ({
      extends: true,
      test: {
        name: ws,
        root: `./${ws}`,
        include: ['test/**/*.test.ts'],
        exclude: ['test/**/*.int.test.ts', '**/node_modules/**'],
      },
    })),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
