// A Vite plugin: after the build, a .br (brotli 11) and a .gz (gzip 9) copy beside every file
// worth compressing, so the cloud sends them as they are instead of compressing on each request.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|wasm|json|webmanifest|txt)$/;
/** below this a compressed copy saves less than a packet */
const MIN_BYTES = 1024;

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'smartstock-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = c.build.outDir.startsWith('/') ? c.build.outDir : join(c.root, c.build.outDir);
    },
    closeBundle() {
      for (const f of files(outDir)) {
        if (!COMPRESSIBLE.test(f)) continue;
        const raw = readFileSync(f);
        if (raw.length < MIN_BYTES) continue;
        const br = brotliCompressSync(raw, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
        });
        const gz = gzipSync(raw, { level: 9 });
        // a copy that is not smaller is not worth a request's negotiation
        if (br.length < raw.length) writeFileSync(`${f}.br`, br);
        if (gz.length < raw.length) writeFileSync(`${f}.gz`, gz);
      }
    },
  };
}
