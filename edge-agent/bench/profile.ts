/**
 * `npm run bench:profile -w edge-agent [-- --cameras=32 --window=24]`: what the agent's CPU per analysed
 * frame is made of, beside the vision library's ceiling measured in the same run. The agent runs N cameras
 * on raw frames (as cameras.ts does); V8's sampling profiler watches the main thread for the window, and each
 * sample goes to the innermost frame of its stack that belongs to a known part (the models, the fill crops,
 * the letterbox, decode + NMS, the camera path, SQLite, ...). The profile gives the shares; the main thread's
 * own CPU time (/proc) turns them into milliseconds, so time spent waiting for a core on the shared machine
 * is spread evenly over the parts. The other threads (V8's GC helpers, libuv) are measured apart.
 * `--out=file.cpuprofile` keeps the profile for Chrome's DevTools. `--heap` samples the allocations over the
 * same window instead (collected ones included) and prints the sites that allocate most a frame: the garbage
 * behind the GC threads' time.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { DEFAULT_MODEL_DIR, loadBottleVision } from '@smartstock/models';
import { startAgent } from '../src/index.js';
import { makeShelfVideo } from '../test/helpers/shelf-video.js';
import { agentFrame, bareModels } from './ceiling.js';
import { benchAgentConfig } from './cameras.js';
import { cpuOver } from './cpu.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Parts of a frame's path, by where the code lives; the first that a frame of the stack matches, from the leaf up. */
const PARTS: [part: string, test: (url: string, fn: string) => boolean][] = [
  ['onnxruntime (the two models)', (u) => u.includes('onnxruntime')],
  ['fill crops (Pillow-exact resize)', (u) => u.endsWith('/vision/crop.ts')],
  ['letterbox (detector input)', (u) => u.endsWith('/vision/preprocess.ts')],
  ['decode + NMS', (u) => u.endsWith('/vision/decode.ts')],
  ['analyze() glue, tiles', (u) => /models\/src\/vision\/(bottle-vision|tiles)\.ts$/.test(u)],
  ['SQLite outbox', (u) => u.includes('better-sqlite3') || u.includes('/src/store/')],
  ['shelf (slots, observations)', (u) => u.includes('/src/shelf/') || u.endsWith('/vision/slots.ts') || u.includes('protocol/src')],
  ['uplink, publish (MQTT)', (u) => u.includes('/src/uplink/') || u.includes('/mqtt/') || u.includes('mqtt-packet')],
  ['camera path (FIFOs, splitters, buffers)', (u) => u.includes('/src/camera/')],
  ['vision worker, bus', (u) => u.endsWith('/src/vision/worker.ts') || u.endsWith('/src/bus.ts')],
  ['metrics, logs', (u) => u.includes('prom-client') || u.includes('/pino') || u.includes('/src/health/')],
  ['the bench itself (ps, /proc reads, the profiler)', (u) => u.includes('/edge-agent/bench/') || u === 'node:inspector'],
];
const GC = '(garbage collector)';

/** Main-thread time by part, in profile milliseconds ('(idle)' left out). */
export function partsOf(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partOfNode = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = partOfNode.get(id);
    if (known) return known;
    const leaf = byId.get(id)!.callFrame.functionName;
    let part: string | undefined = leaf === GC ? 'V8 GC pauses (main thread)' : leaf === '(idle)' ? '(idle)' : undefined;
    if (leaf === '(program)') part = 'native, outside JavaScript (libuv, addons between calls)';
    for (let at: number | undefined = id; !part && at !== undefined; at = parent.get(at)) {
      const { url, functionName } = byId.get(at)!.callFrame;
      part = PARTS.find(([, test]) => test(url, functionName))?.[0];
    }
    part ??= 'node internals, other';
    partOfNode.set(id, part);
    return part;
  };
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const part = resolve(id);
    out.set(part, (out.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  out.delete('(idle)');
  return out;
}

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const n = Number(arg('cameras') ?? 32);
const windowMs = Number(arg('window') ?? 24) * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg()[0]!.toFixed(2);
const line = (label: string, ms: number, note = '') =>
  process.stdout.write(`  ${label.padEnd(58)} ${ms.toFixed(2).padStart(6)} ms${note}\n`);

const vision = await loadBottleVision({ threads: 1, modelDir: DEFAULT_MODEL_DIR });
const shelf = await makeShelfVideo({ seed: 5, frames: 150, fps: 15, width: 1280, height: 720 });
const raws = [0, 2, 4, 6, 8].map((t) => agentFrame(shelf.video, t, vision.input!).raw);
const ceiling = await bareModels(vision, raws, 1);
process.stdout.write(
  `ceiling (bare onnxruntime, both models, 1 thread): ${ceiling.cost.cpuMs.toFixed(2)} ms CPU a frame, load ${load()}\n`,
);

const agent = await startAgent(benchAgentConfig(n, 'raw', shelf.video), { vision });
let analysed = 0;
agent.bus.on('analysis', 'bench', () => (analysed += 1));
await sleep(8000); // ffmpeg start-up and the first frames
const inspector = new Session();
inspector.connect();
await inspector.post('Profiler.enable');
await inspector.post('Profiler.setSamplingInterval', { interval: 500 });
const a0 = analysed;
const load0 = load();
const heap = process.argv.includes('--heap');
if (heap) {
  await inspector.post('HeapProfiler.enable');
  // the flags are V8's (Chrome 111+); untyped in node's inspector definitions
  await inspector.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  } as object);
} else await inspector.post('Profiler.start');
const cpu = await cpuOver(windowMs, 2);
const heapProfile = heap ? ((await inspector.post('HeapProfiler.stopSampling')) as { profile: { head: HeapNode } }).profile : null;
const { profile } = heap
  ? { profile: { nodes: [], samples: [], timeDeltas: [] } as CpuProfile }
  : ((await inspector.post('Profiler.stop')) as { profile: CpuProfile });
const frames = analysed - a0;
inspector.disconnect();
await agent.stop();
await vision.close();
const out = arg('out');
if (out) writeFileSync(out, JSON.stringify(profile));

if (heapProfile) {
  // bytes allocated a frame by site: the innermost frame of our own code (or a library's) on the stack
  const sites = new Map<string, number>();
  const walk = (node: HeapNode, site: string) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const here =
      url && !url.startsWith('node:')
        ? `${functionName || '(anonymous)'} ${url.replace(/^.*\/(edge-agent|models|node_modules)\//, '$1/')}:${lineNumber + 1}`
        : site;
    if (node.selfSize) sites.set(here, (sites.get(here) ?? 0) + node.selfSize);
    for (const c of node.children) walk(c, here);
  };
  walk(heapProfile.head, '(native, node internals)');
  const total = [...sites.values()].reduce((s, v) => s + v, 0);
  process.stdout.write(
    `\n${frames} frames analysed, load ${load0} → ${load()}; allocated ${(total / frames / 1024).toFixed(0)} KB a frame (sampled), by site:\n`,
  );
  for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 15))
    process.stdout.write(`  ${(bytes / frames / 1024).toFixed(1).padStart(8)} KB  ${site}\n`);
  process.exit(0);
}
const parts = partsOf(profile);
// the bench's own ps and /proc reads are mostly spent waiting for ps: shown, but not given a share of the CPU
const BENCH = PARTS.at(-1)![0];
const benchMs = parts.get(BENCH) ?? 0;
parts.delete(BENCH);
const busy = [...parts.values()].reduce((s, v) => s + v, 0);
const perFrame = (profileMs: number) => ((profileMs / busy) * cpu.mainThread * 1000) / Math.max(1, frames);
const own = (cpu.own * 1000) / Math.max(1, frames);
process.stdout.write(
  `\n${n} cameras, raw frames, ${frames} frames analysed in ${cpu.seconds.toFixed(1)} s, load ${load0} → ${load()}\n` +
    `agent process CPU per analysed frame ${own.toFixed(2)} ms; ceiling / it ${(ceiling.cost.cpuMs / own).toFixed(2)}×\n`,
);
for (const [part, ms] of [...parts].sort((a, b) => b[1] - a[1])) line(part, perFrame(ms), `  (${((ms / busy) * 100).toFixed(1)} %)`);
line('main thread, all', (cpu.mainThread * 1000) / Math.max(1, frames));
line('other threads (V8 GC helpers, libuv pool, the profiler)', (cpu.otherThreads * 1000) / Math.max(1, frames));
process.stdout.write(
  `  (the bench's own ps, /proc reads and profile collection: ${(benchMs / Math.max(1, frames)).toFixed(2)} ms of profile time a frame, left out)\n`,
);
line('gap: agent - ceiling', own - ceiling.cost.cpuMs);
line('… of it onnxruntime in the agent beyond the ceiling', perFrame(parts.get(PARTS[0]![0]) ?? 0) - ceiling.cost.cpuMs);
process.exit(0);
