import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Moto {
  endpoint: string;
  /** SMS that moto's SNS backend recorded as published. */
  sms(): Promise<{ phone_number: string; message: string; message_id: string }[]>;
  stop(): Promise<void>;
}

/** AWS's own behaviour, locally: `python3 -m moto.server` on a free port. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
    } catch {
      if (i > 150 || child.exitCode !== null) throw new Error('moto.server did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    endpoint,
    async sms() {
      const data = (await (await fetch(`${endpoint}/moto-api/data.json`)).json()) as {
        sns: { SMS: { phone_number: string; message: string; message_id: string }[] };
      };
      return data.sns.SMS;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
