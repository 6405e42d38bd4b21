import { runCli } from '../../src/index.js';

/** Runs the CLI in-process, capturing what it prints. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false });
  let json: any;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}

/** `device create --local` for device id into out, with the venue and name the tests use unless extra overrides them. */
export function createLocalDevice(o: { id: string; caDir: string; mqttUrl: string; out: string; venue?: string }, ...extra: string[]) {
  return cli(
    'device',
    'create',
    '--local',
    '--venue',
    o.venue ?? 'rooftop',
    '--name',
    'Main bar',
    '--id',
    o.id,
    '--ca-dir',
    o.caDir,
    '--mqtt-url',
    o.mqttUrl,
    '--out',
    o.out,
    ...extra,
  );
}
