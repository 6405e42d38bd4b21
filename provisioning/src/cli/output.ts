/**
 * How every command reports: one result object, printed as JSON for scripts
 * (`--json`) or as plain lines for a technician. Errors carry the exit code
 * and, where we know it, the fix.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failure,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad flags, a missing file, an unreadable config: exit 2, nothing changed. */
export function usageError(message: string, fix?: string): CliError {
  return new CliError(message, EXIT.usage, fix);
}

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Progress bars only make sense on a terminal. */
  isTty: boolean;
}

export const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTty: Boolean(process.stderr.isTTY),
};

export interface Ctx {
  io: Io;
  json: boolean;
  /** Human progress lines go to stderr so stdout stays the result. */
  note(line: string): void;
}

export function makeCtx(io: Io, json: boolean): Ctx {
  return { io, json, note: (line) => (json ? undefined : io.stderr(`${line}\n`)) };
}

/** Prints the command's result: the object itself with --json, else the human rendering. */
export function emit(ctx: Ctx, result: object, human: () => string): void {
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
  else ctx.io.stdout(`${human()}\n`);
}

export function emitError(ctx: Ctx, err: CliError): void {
  if (!err.message) return; // the command already printed its own report (e.g. fleet's table)
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ ok: false, error: err.message, fix: err.fix, exitCode: err.exitCode })}\n`);
  else ctx.io.stderr(`error: ${err.message}\n${err.fix ? `  fix: ${err.fix}\n` : ''}`);
}

/** A fixed-width text table for summaries. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
