import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { precompress } from './scripts/precompress';

// A plain SPA: the cloud serves dist/ at "/" and the API at /api/v1 on the same origin.
export default defineConfig({
  plugins: [svelte(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    proxy: { '/api': { target: process.env.SMARTSTOCK_API ?? 'http://localhost:3000', ws: true } },
  },
});
