// Owns what the bundled pipeline DAGs' tasks work on, found from Weir's configuration the way
// every other component finds it: the lake (WEIR_LAKE_URL), the warehouse file
// (WEIR_WAREHOUSE_URL) and the event bus (WEIR_EVENT_BUS_URL, else REDIS_URL). Nothing is opened
// until a task asks, so importing a DAG file stays free of I/O.
import { loadConfig, type WeirConfig } from '@weir/config';
import type { EventBus } from '@weir/queue';
import { openEventBus } from './event/open-bus.ts';
import { openLakeStore } from './lake/open-store.ts';
import type { LakeStore } from './lake/store.ts';
import { warehousePath } from './warehouse/location.ts';

export interface PipelineEnvironment {
  readonly config: WeirConfig;
  readonly lake: LakeStore;
  /** The DuckDB warehouse file. */
  readonly warehousePath: string;
  /** A new connection to the event bus; the caller closes it. */
  openBus(): EventBus;
}

export function pipelineEnvironment(config: WeirConfig = loadConfig()): PipelineEnvironment {
  return {
    config,
    lake: openLakeStore(config),
    warehousePath: warehousePath(config),
    openBus() {
      const redisUrl = config.eventBus.url ?? config.redisUrl;
      if (!redisUrl) throw new Error('the event bus needs WEIR_EVENT_BUS_URL or REDIS_URL (a Redis URL)');
      return openEventBus(config, redisUrl);
    },
  };
}
