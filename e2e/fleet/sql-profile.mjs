/**
 * FLEET_SQL_PROFILE=/tmp/x.json npm run bench:fleet -- …: the clouds load this (NODE_OPTIONS, set by
 * stack.ts) and time every statement their pg clients send, send → answer, by statement text (first
 * 100 characters, whitespace folded). Each cloud appends its totals to `<path>.<pid>.jsonl` every second
 * and at exit (calls and total ms a statement, with the time), which is how ingest's costs per observation are found
 * (pg_stat_statements needs a server restart). Plain JavaScript: it loads before tsx does.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = process.env.FLEET_SQL_PROFILE;
if (out) {
  const pg = createRequire(import.meta.url)('pg');
  const stats = new Map();
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...a) {
    const text = typeof a[0] === 'string' ? a[0] : (a[0]?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 100);
    const t0 = performance.now();
    const add = () => {
      const s = stats.get(key) ?? { calls: 0, ms: 0 };
      s.calls++;
      s.ms += performance.now() - t0;
      stats.set(key, s);
    };
    // pool.query hands the client a callback; a transaction's statements use the promise
    const cb = a.length && typeof a[a.length - 1] === 'function' ? a.length - 1 : -1;
    if (cb >= 0) {
      const f = a[cb];
      a[cb] = (...x) => (add(), f(...x));
    }
    const r = query.apply(this, a);
    if (cb < 0 && r && typeof r.then === 'function') r.then(add, add);
    return r;
  };
  // one line a second, the totals so far with the wall time: a phase's share is the difference of two lines
  const dump = () => {
    const rows = [...stats].map(([sql, s]) => ({ sql, calls: s.calls, ms: Math.round(s.ms) }));
    appendFileSync(`${out}.${process.pid}.jsonl`, JSON.stringify({ at: new Date().toISOString(), rows }) + '\n');
  };
  setInterval(dump, 1000).unref();
  process.on('exit', dump);
}
