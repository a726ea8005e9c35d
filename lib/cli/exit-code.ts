/**
 * Exit statuses of the `acton` command (also listed in `acton --help`):
 * 0 success; 1 the server answered with an error (its code is printed); 2 usage error (bad
 * arguments, invalid JSON, no server given); 3 cannot connect (or the connection was lost or
 * refused); 4 timeout; 5 `acton new` could not install what the project needs (the files it wrote,
 * if any, are named, with the command to finish by hand).
 */
export const ExitCode = {
  OK: 0,
  REQUEST_ERROR: 1,
  USAGE: 2,
  CANNOT_CONNECT: 3,
  TIMEOUT: 4,
  INSTALL_FAILED: 5,
} as const;

/** One of the `acton` exit statuses. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The `--help` footer documenting the exit statuses. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the server answered with an error (its code is printed, e.g. ACTOR_NOT_FOUND)
  2  usage error (bad arguments, invalid JSON, no server given)
  3  cannot connect (no server at the socket, connection refused at the limit, or lost)
  4  timeout (no answer within --timeout)
  5  acton new: installing the project's dependencies failed (what to run next is printed)`;
