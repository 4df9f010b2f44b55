// Owns what every long-running component does for alerting: its heartbeat row, and (scheduler
// and worker) the alert pass, with the delivery queue's consumer in workers. A bad alerts file
// stops start-up with one line naming the key.

import {
  type AlertsConfig,
  AlertsConfigError,
  createChannels,
  loadAlertsConfig,
  startAlerting,
} from '@weir/alerts';
import type { Logger, WeirConfig } from '@weir/config';
import { ComponentHeartbeat, type ComponentKind } from '@weir/engine';
import { CliError } from './errors.ts';
import type { Runtime } from './runtime.ts';

export interface ComponentAlerting {
  /** A failure was just recorded here: run the alert pass now. */
  kick(): void;
  stop(): Promise<void>;
}

export function readAlertsConfig(config: WeirConfig): AlertsConfig {
  try {
    return loadAlertsConfig(config);
  } catch (error) {
    if (error instanceof AlertsConfigError) throw new CliError(error.message, 2);
    throw error;
  }
}

/** The routes and channels DAGs may name (unknown ones are DAG warnings). */
export function alertNames(alerts: AlertsConfig): { routes: string[]; channels: string[] } {
  return { routes: Object.keys(alerts.routes), channels: Object.keys(alerts.channels) };
}

export async function startComponentAlerting(
  config: WeirConfig,
  runtime: Runtime,
  logger: Logger,
  component: ComponentKind,
  options: {
    queues?: readonly string[];
    /** Run the alert pass here, on these routes and channels (read once by the component). */
    alerts?: AlertsConfig;
    deliveries: boolean;
  },
): Promise<ComponentAlerting> {
  const { alerts } = options;
  const heartbeat = new ComponentHeartbeat({
    sql: runtime.sql,
    component,
    ...(options.queues ? { queues: options.queues } : {}),
    intervalMs: Math.min(
      config.worker.heartbeatMs,
      Math.max(1_000, Math.floor(config.alerts.unhealthyAfterMs / 3)),
    ),
    onError: (error) => logger.warn({ err: error }, 'could not record the heartbeat; trying again'),
  });
  await heartbeat.start();
  if (!alerts) return { kick: () => undefined, stop: () => heartbeat.stop() };
  logger.info(
    {
      source: alerts.source.kind === 'file' ? alerts.source.path : 'environment',
      channels: Object.keys(alerts.channels),
    },
    'alerting',
  );
  const alerting = startAlerting({
    sql: runtime.sql,
    queue: runtime.queue,
    config: alerts,
    channels: options.deliveries ? createChannels(alerts) : new Map(),
    baseUrl: config.alerts.baseUrl,
    unhealthyAfterMs: config.alerts.unhealthyAfterMs,
    deliveryMaxAgeMs: config.alerts.deliveryMaxAgeMs,
    ...(options.deliveries ? { deliveries: { connection: runtime.redis, prefix: runtime.prefix } } : {}),
    onError: (error, where) => logger.warn({ err: error }, `alert ${where} failed; trying again`),
  });
  return {
    kick: alerting.kick,
    async stop() {
      await alerting.stop();
      await heartbeat.stop();
    },
  };
}
