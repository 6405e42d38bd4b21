import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deviceCert } from './pki.js';

const SCRIPT = `
import mqtt from 'mqtt';
const o = JSON.parse(process.env.FLOOD);
const c = await mqtt.connectAsync(o.url, { clientId: o.id, key: o.key, cert: o.cert, ca: o.ca, protocolVersion: 4, reconnectPeriod: 0 });
const done = (how) => { process.stdout.write(how); process.exit(0); };
c.once('close', () => done('disconnected'));
c.publish(o.topic, Buffer.alloc(o.bytes, 0x7b), { qos: 1 }, (err) => done(err ? 'disconnected' : 'acknowledged'));
`;

/**
 * A hostile device in a process of its own publishing one `bytes`-long message (QoS 1), so that
 * the test process's memory is the cloud's alone. Resolves with what the device saw.
 */
export function floodFromChild(url: string, id: string, topic: string, bytes: number): Promise<'disconnected' | 'acknowledged'> {
  const c = deviceCert(id);
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, FLOOD: JSON.stringify({ url, id, topic, bytes, key: c.keyPem, cert: c.certPem, ca: c.caPem }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((res, rej) =>
    child.once('exit', () =>
      out === 'disconnected' || out === 'acknowledged' ? res(out) : rej(new Error(`flooding device failed: ${out}${err}`)),
    ),
  );
}
