/**
 * `npx tsx cloud/bench/live-fanout.bench.ts [sockets=500] [events=200]`: the live hub's fan-out alone.
 * One venue, `sockets` real WebSockets on loopback (their clients in a child process, so this process's
 * CPU is the hub's: reading the events back, building and writing the frames), events of ~2 KB
 * appended 10 at a time (PGlite in this process: the append is in the figure, the same for any hub).
 * Prints this process's CPU per event and per message, and the wall time until every socket had all.
 * Asserts nothing.
 */
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { createLogger } from '@smartstock/runtime';
import { migrate, openDb } from '../src/db/index.js';
import { LiveHub } from '../src/live/hub.js';
import { LiveEventRepository, type NewLiveEvent } from '../src/live/live-event.repository.js';
import { VenueRepository } from '../src/venues/venue.repository.js';

const [mode, arg1, arg2] = process.argv.slice(2);

if (mode === '--clients') {
  // the dashboards: count every message, tell the parent when all `expected` have come
  const sockets = Number(arg2);
  let got = 0;
  let expected = Infinity;
  const opened = Array.from({ length: sockets }, () => {
    const ws = new WebSocket(arg1!);
    ws.on('message', () => ++got >= expected && process.send!({ done: got }));
    return new Promise((resolve) => ws.once('open', resolve));
  });
  await Promise.all(opened);
  process.on('message', (m: { expect: number }) => ((expected = m.expect), got >= expected && process.send!({ done: got })));
  process.send!({ ready: true });
} else {
  const sockets = Number(mode ?? 500);
  const events = Number(arg1 ?? 200);
  const db = await openDb({ dataDir: 'memory://' });
  await migrate(db);
  const venues = new VenueRepository(db);
  const orgId = (await venues.createOrganisation('Bench Bars')).id;
  const venueId = (await venues.createVenue(orgId, { name: 'Main Bar' })).id;
  const hub = new LiveHub(db, createLogger('bench', { level: 'warn' }));
  await hub.start();
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    // as the route sends: a frame as it is; main's hub handed a message object, stringified per socket
    const send = (frame: unknown) => socket.send(Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
    void hub.subscribe({ orgId, venueId, send });
  });
  const child = fork(new URL(import.meta.url), ['--clients', `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, String(sockets)], {
    execArgv: ['--import', 'tsx'],
  });
  await new Promise((resolve) => child.once('message', resolve));
  while (hub.size < sockets) await new Promise((resolve) => setTimeout(resolve, 10));

  const observation = (i: number): NewLiveEvent => ({
    orgId,
    venueId,
    type: 'device',
    data: { deviceId: `bar-${i}`, online: true, configError: `slot ${i}: `.padEnd(2000, 'x') },
  });
  const done = new Promise((resolve) => child.once('message', resolve));
  child.send({ expect: sockets * events });
  const cpu = process.cpuUsage();
  const start = performance.now();
  const repo = new LiveEventRepository(db);
  for (let i = 0; i < events; i += 10) await repo.appendMany(Array.from({ length: 10 }, (_, k) => observation(i + k)));
  await done;
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuUs = used.user + used.system;
  console.table([
    { figure: `live fan-out: sockets / events`, value: `${sockets} / ${events}` },
    { figure: 'CPU of the hub process per event (read, frames, writes, and the append)', value: Math.round(cpuUs / events), unit: 'µs' },
    { figure: 'CPU of the hub process per message', value: Math.round((cpuUs / events / sockets) * 100) / 100, unit: 'µs' },
    { figure: 'wall time until every socket had every event', value: Math.round(wallMs), unit: 'ms' },
  ]);
  child.kill();
  await hub.stop();
  server.close();
  await db.close();
}
