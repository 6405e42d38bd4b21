import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/**
 * One way every SmartStock program reads its settings: an optional YAML/JSON
 * file, overlaid by environment variables, validated once by the program's
 * zod schema. The first bad key stops the program with one line naming it.
 */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly detail: string,
    readonly source: string,
  ) {
    super(`config error: ${key}: ${detail} (from ${source})`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** A YAML or JSON file; absent means defaults + env only. */
  file?: string | undefined;
  /** Environment variable → dotted config key, e.g. `{ DATABASE_URL: 'database.url' }`. */
  env?: Record<string, string>;
  /** Defaults to process.env. */
  environment?: NodeJS.ProcessEnv;
  /** Values given on the command line; they win over file and env. */
  overrides?: Record<string, unknown>;
}

export function loadConfig<S extends z.ZodType>(schema: S, opts: LoadConfigOptions = {}): z.infer<S> {
  const environment = opts.environment ?? process.env;
  let raw: Record<string, unknown> = {};
  const from = new Map<string, string>();
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new ConfigError('(file)', `cannot read ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, opts.file);
    }
    try {
      const parsed: unknown = parseYaml(text);
      if (parsed != null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new Error('top level must be a mapping');
      raw = (parsed as Record<string, unknown>) ?? {};
    } catch (e) {
      throw new ConfigError('(file)', `not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`, opts.file);
    }
  }
  for (const [name, key] of Object.entries(opts.env ?? {})) {
    const value = environment[name];
    if (value !== undefined && value !== '') {
      setPath(raw, key, coerce(value));
      from.set(key, `env ${name}`);
    }
  }
  for (const [key, value] of Object.entries(opts.overrides ?? {})) {
    if (value !== undefined) {
      setPath(raw, key, value);
      from.set(key, 'command line');
    }
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.path.map(String).join('.') || '(root)';
  const source =
    [...from.entries()].find(([sourceKey]) => key === sourceKey || key.startsWith(`${sourceKey}.`))?.[1] ?? opts.file ?? 'defaults';
  throw new ConfigError(key, issue.message, source);
}

/**
 * For a program's main(): run `load`, and on a ConfigError print its one line
 * and exit 2 (the documented "bad configuration" code).
 */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

function coerce(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(v) && v.length < 16) return Number(v);
  return v;
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    if (typeof cur[part] !== 'object' || cur[part] === null) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts.at(-1)!] = value;
}
