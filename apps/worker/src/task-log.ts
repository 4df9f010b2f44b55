// Owns a try's log: lines go to PostgreSQL in small batches, so the UI can show them while the
// task runs, and always before the try's outcome is recorded. Every line is masked (secrets the
// worker knows of become ***) before it is buffered, stored or shown.
import type { RawSql } from '@weir/db';
import type { TaskLogger } from '@weir/sdk';
import type { SecretMasker } from '@weir/secrets';

const FLUSH_MS = 200;

export class TaskLogSink {
  private buffer: { level: string; message: string; at: Date }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: RawSql,
    private readonly taskInstanceId: number,
    private readonly tryNumber: number,
    private readonly masker: SecretMasker,
    /** Also gets every line as it is written (`weir dags test` prints them). */
    private readonly tee?: (level: string, message: string) => void,
  ) {}

  readonly logger: TaskLogger = {
    debug: (message, fields) => this.write('debug', message, fields),
    info: (message, fields) => this.write('info', message, fields),
    warn: (message, fields) => this.write('warn', message, fields),
    error: (message, fields) => this.write('error', message, fields),
  };

  write(level: string, message: string, fields?: Record<string, unknown>): void {
    const text = this.masker.mask(
      fields && Object.keys(fields).length > 0 ? `${message} ${safeJson(fields)}` : message,
    );
    this.buffer.push({ level, message: text, at: new Date() });
    this.tee?.(level, text);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes what is buffered; resolves when everything written so far is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.buffer;
    this.buffer = [];
    if (lines.length > 0) {
      // One multi-row INSERT per batch, on the same raw SQL as the rest of the per-task path.
      this.flushing = this.flushing.then(() =>
        this.sql.$executeRaw`
          INSERT INTO task_log (task_instance_id, try_number, at, level, message)
          SELECT ${this.taskInstanceId}, ${this.tryNumber}, at, level, message
          FROM unnest(${lines.map((l) => l.at.toISOString())}::timestamp[], ${lines.map((l) => l.level)}::text[],
                      ${lines.map((l) => l.message)}::text[]) AS t(at, level, message)`
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
