import type { Command } from 'commander';
import { EXIT, emitError, makeCtx, type Ctx, type ExitCode, type Io } from './output.js';
import { toCliError } from './errors.js';

/** Where a command's exit code lands: the action wrapper sets it, runCli returns it. */
export interface ExitBox {
  code: ExitCode;
}

/**
 * Wraps a command's logic: builds its context from the global flags and turns
 * whatever it throws into a printed error and an exit code, so no command
 * ever prints a stack trace at a technician.
 */
export function action<O>(io: Io, box: ExitBox, run: (ctx: Ctx, opts: O, args: string[]) => Promise<void> | void) {
  return async (...params: unknown[]): Promise<void> => {
    const cmd = params.at(-1) as Command;
    const opts = cmd.opts() as O;
    const ctx = makeCtx(io, Boolean(cmd.optsWithGlobals().json));
    try {
      await run(ctx, opts, cmd.args);
      box.code = EXIT.ok;
    } catch (e) {
      const err = toCliError(e);
      emitError(ctx, err);
      box.code = err.exitCode;
    }
  };
}
