// Owns alerting inside a long-running Weir process: the alert pass about every second (and at
// once when the process saw a failure: `kick`), and, in workers, the delivery queue's consumer.
// A channel outage costs only its own deliveries' retries; scheduling never waits on it.
import { hostname } from 'node:os';
import type { RawSql } from '@weir/db';
import {
  ALERT_QUEUE,
  type AlertDeliveryJobData,
  type RedisConnection,
  startTaskWorker,
  type TaskQueue,
  type TaskWorkerHandle,
} from '@weir/queue';
import type { AlertChannel, AlertsConfig } from '../types.ts';
import { deliver } from './deliver.ts';
import { type AlertPassReport, runAlertPass } from './pass.ts';

export interface AlertingOptions {
  readonly sql: RawSql;
  readonly queue: TaskQueue;
  readonly config: AlertsConfig;
  /** The channels, built from `config` (createChannels); closed by `stop`. */
  readonly channels: ReadonlyMap<string, AlertChannel>;
  readonly baseUrl: string;
  readonly unhealthyAfterMs: number;
  readonly deliveryMaxAgeMs: number;
  /** Serve the delivery queue (workers); the pass runs in every host. */
  readonly deliveries?: {
    readonly connection: RedisConnection;
    readonly prefix: string;
    readonly concurrency?: number;
  };
  readonly intervalMs?: number;
  readonly clock?: () => Date;
  readonly onError?: (error: unknown, where: 'pass' | 'delivery') => void;
  readonly onPass?: (report: AlertPassReport) => void;
}

export interface AlertingHandle {
  /** Runs a pass soon (after the one under way): a failure was just recorded. */
  kick(): void;
  stop(): Promise<void>;
}

const DEFAULT_INTERVAL_MS = 1_000;

export function startAlerting(options: AlertingOptions): AlertingHandle {
  const clock = options.clock ?? (() => new Date());
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const pass = async () => {
    try {
      const report = await runAlertPass({
        sql: options.sql,
        config: options.config,
        queue: options.queue,
        now: clock(),
        unhealthyAfterMs: options.unhealthyAfterMs,
      });
      options.onPass?.(report);
    } catch (error) {
      options.onError?.(error, 'pass');
    }
  };
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = pass().finally(() => {
      running = undefined;
      if (stopped) return;
      if (again) {
        again = false;
        run();
      } else {
        timer = setTimeout(run, intervalMs);
        timer.unref();
      }
    });
  };
  run();
  const consumer: TaskWorkerHandle | undefined = options.deliveries
    ? startTaskWorker<AlertDeliveryJobData>({
        connection: options.deliveries.connection,
        prefix: options.deliveries.prefix,
        queue: ALERT_QUEUE,
        concurrency: options.deliveries.concurrency ?? 8,
        // A slow peer (Slack's pacing, a Retry-After) must not look like a stalled job.
        lockDurationMs: 120_000,
        process: async (job) => {
          try {
            await deliver(
              {
                sql: options.sql,
                channels: options.channels,
                queue: options.queue,
                baseUrl: options.baseUrl,
                source: hostname(),
                maxAgeMs: options.deliveryMaxAgeMs,
                clock,
              },
              job,
            );
          } catch (error) {
            // The row stays pending: the pass hands it out again once its claim has lapsed.
            options.onError?.(error, 'delivery');
          }
        },
      })
    : undefined;
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await consumer?.close(false);
      await running;
      await Promise.all([...options.channels.values()].map((c) => c.close().catch(() => undefined)));
    },
  };
}
