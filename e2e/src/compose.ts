import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** What a service of docker/compose.yaml says, after YAML merge keys (`<<: *cloud`). */
export interface ComposeService {
  image?: string;
  user?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}

export function readCompose(): { services: Record<string, ComposeService> } {
  const text = readFileSync(new URL('../../docker/compose.yaml', import.meta.url), 'utf8');
  return parse(text, { merge: true }) as { services: Record<string, ComposeService> };
}

/** Compose's `${VAR:-default}` / `${VAR:?message}` / `${VAR}` interpolation, from the given environment. */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op: string | undefined, arg: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (op === '?') throw new Error(`compose needs ${name}: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

/** A Dockerfile's last ENTRYPOINT, CMD (exec form) and ENV, which is what the container runs. */
export function readDockerfile(name: string): { entrypoint: string[]; cmd: string[]; env: Record<string, string> } {
  const text = readFileSync(new URL(`../../docker/${name}`, import.meta.url), 'utf8');
  const last = (kw: string) => [...text.matchAll(new RegExp(`^${kw}\\s+(\\[.*\\])\\s*$`, 'gm'))].at(-1)?.[1];
  const env: Record<string, string> = {};
  const finalStage = text.slice(text.lastIndexOf('\nFROM '));
  for (const m of finalStage.matchAll(/^ENV\s+(.+)$/gm)) for (const kv of m[1]!.matchAll(/(\w+)=(\S+)/g)) env[kv[1]!] = kv[2]!;
  return { entrypoint: JSON.parse(last('ENTRYPOINT') ?? '[]') as string[], cmd: JSON.parse(last('CMD') ?? '[]') as string[], env };
}
