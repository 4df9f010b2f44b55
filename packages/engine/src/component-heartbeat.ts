// Owns the heartbeat rows of Weir's own processes (scheduler, dag processor, worker, web): each
// writes its row when it starts, touches it every few seconds and marks it stopped when it stops.
// The unhealthy-Weir alert (@weir/alerts' health check) and the dashboard read them.
import { hostname } from 'node:os';
import type { RawSql } from '@weir/db';

export type ComponentKind = 'scheduler' | 'dag-processor' | 'worker' | 'web';

export interface ComponentHeartbeatOptions {
  readonly sql: RawSql;
  readonly component: ComponentKind;
  /** The task queues a worker serves. */
  readonly queues?: readonly string[];
  readonly intervalMs: number;
  readonly clock?: () => Date;
  /** Called when a beat fails (the database is away); the next beat tries again. */
  readonly onError?: (error: unknown) => void;
}

export class ComponentHeartbeat {
  private id: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: () => Date;

  constructor(private readonly options: ComponentHeartbeatOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async start(): Promise<void> {
    const now = this.clock();
    const [row] = await this.options.sql.$queryRaw<{ id: number }[]>`
      INSERT INTO component_heartbeat (component, host, pid, started_at, last_seen_at, queues)
      VALUES (${this.options.component}, ${hostname()}, ${process.pid}, ${now}, ${now}, ${[...(this.options.queues ?? [])]}::text[])
      RETURNING id`;
    this.id = row?.id;
    this.timer = setInterval(() => void this.beat(), this.options.intervalMs);
    this.timer.unref();
  }

  async beat(): Promise<void> {
    if (this.id === undefined) return;
    try {
      await this.options.sql.$executeRaw`
        UPDATE component_heartbeat SET last_seen_at = ${this.clock()} WHERE id = ${this.id}`;
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.id === undefined) return;
    const now = this.clock();
    await this.options.sql.$executeRaw`
      UPDATE component_heartbeat SET last_seen_at = ${now}, stopped_at = ${now} WHERE id = ${this.id}`.catch(
      (error: unknown) => this.options.onError?.(error),
    );
    this.id = undefined;
  }
}
