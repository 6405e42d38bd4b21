import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuShare {
  where: string;
  percent: number;
}

/** Where a sample's function lives: a package, a cloud/src file, node itself, or idle/GC. */
function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/(cloud\/src\/.+|api\/src\/.+|runtime\/src\/.+)$/.exec(url);
  if (src) return src[1]!;
  return url.startsWith('node:') ? url : url.replace(/^.*\//, '');
}

/**
 * Samples this process's CPU while fn runs (the same as --cpu-prof, for one phase only) and
 * answers self time per area and per function, largest first.
 */
export async function profile(fn: () => Promise<unknown>, top = 12): Promise<{ areas: CpuShare[]; functions: CpuShare[] }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  let p: { nodes: ProfileNode[] };
  try {
    await fn();
  } finally {
    p = ((await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[] } }).profile;
    session.disconnect();
  }
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits) continue;
    total += hits;
    const { functionName, url, lineNumber } = n.callFrame;
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + hits);
    const f = `${functionName || '(anonymous)'} ${a}${url ? `:${lineNumber + 1}` : ''}`;
    byFn.set(f, (byFn.get(f) ?? 0) + hits);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, hits]) => ({ where, percent: Math.round((1000 * hits) / total) / 10 }));
  return { areas: rank(byArea), functions: rank(byFn) };
}
