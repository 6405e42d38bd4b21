import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './ports.js';

/** `python3 -m moto.server` on a free loopback port: AWS IoT and SNS as AWS behaves, locally. */
export interface Moto {
  url: string;
  /** SMS that moto's SNS backend recorded as published. */
  sms(): Promise<{ phone_number: string; message: string; message_id: string }[]>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + String(d)).slice(-2000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000; // a shared 2-core box can be slow to start Python
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`moto did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  // the SDK wants credentials; moto accepts any
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  return {
    url,
    async sms() {
      const data = (await (await fetch(`${url}/moto-api/data.json`)).json()) as {
        sns: { SMS: { phone_number: string; message: string; message_id: string }[] };
      };
      return data.sns.SMS;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
