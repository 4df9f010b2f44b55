// Owns the errors the CLI reports to users: one line, a code, and an exit status.

/** An error whose message is complete and actionable by itself; printed without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}
