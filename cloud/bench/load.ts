import { Agent, request } from 'node:http';

/**
 * A closed-loop HTTP load: `concurrency` keep-alive connections, each sending
 * the next request as soon as the last answered, for `seconds`. Runs in the
 * bench's own process, so both routes it is compared on pay the same client cost.
 */
export async function load(url: string, o: { seconds: number; concurrency: number; headers?: Record<string, string> }) {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const u = new URL(url);
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ agent, host: u.hostname, port: u.port, path: u.pathname + u.search, headers: o.headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  let done = 0;
  let bad = 0;
  const until = performance.now() + o.seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < until) {
        if ((await one()) !== 200) bad++;
        done++;
      }
    }),
  );
  agent.destroy();
  if (bad) throw new Error(`${bad} of ${done} requests to ${u.pathname} did not answer 200`);
  return done / ((performance.now() - t0) / 1000);
}

export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
