// Owns what the worker needs of a logger (pino's shape), so tests and `weir dags test` can give
// it theirs.
export interface WorkerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: WorkerLogger = { info() {}, warn() {}, error() {} };
