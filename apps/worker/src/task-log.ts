// Owns a try's log: lines go to PostgreSQL in small batches, so the UI can show them while the
// task runs, and always before the try's outcome is recorded.
import type { Db } from '@weir/db';
import type { TaskLogger } from '@weir/sdk';

const FLUSH_MS = 200;

export class TaskLogSink {
  private buffer: { level: string; message: string; at: Date }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly taskInstanceId: number,
    private readonly tryNumber: number,
  ) {}

  readonly logger: TaskLogger = {
    debug: (message, fields) => this.write('debug', message, fields),
    info: (message, fields) => this.write('info', message, fields),
    warn: (message, fields) => this.write('warn', message, fields),
    error: (message, fields) => this.write('error', message, fields),
  };

  write(level: string, message: string, fields?: Record<string, unknown>): void {
    const text = fields && Object.keys(fields).length > 0 ? `${message} ${safeJson(fields)}` : message;
    this.buffer.push({ level, message: text, at: new Date() });
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes what is buffered; resolves when everything written so far is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.buffer;
    this.buffer = [];
    if (lines.length > 0) {
      this.flushing = this.flushing.then(() =>
        this.db.taskLog
          .createMany({
            data: lines.map((l) => ({
              taskInstanceId: this.taskInstanceId,
              tryNumber: this.tryNumber,
              at: l.at,
              level: l.level,
              message: l.message,
            })),
          })
          .then(() => undefined)
          .catch(() => undefined),
      );
    }
    return this.flushing;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
