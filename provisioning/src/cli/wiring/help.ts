/** What --help shows after the flags: the exit codes (the program's help), a command's example lines. */
export const EXIT_CODES = `
Exit codes:
  0  done
  1  the work failed (AWS, the cloud, the broker, the camera said no); the message says what to fix
  2  bad usage or configuration (unknown flag, missing argument, unreadable file, a --venue the cloud does not know); nothing was changed

Every flag can also be set by the environment variable shown in its help.`;

export const example = (lines: string) => `\nExample:\n${lines}`;
