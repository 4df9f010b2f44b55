// Owns what the web app's event collector (POST /api/v1/events) runs on: the event bus, the
// write-key cache and the properties validator, one of each per server process, created on the
// first request (kept on globalThis, as services() is, so dev-mode reloads open no new ones).
import {
  CachedSources,
  type CollectorDeps,
  EventSources,
  openEventBus,
  RegistryPropertiesValidator,
} from '@weir/pipeline';
import type { EventBus } from '@weir/queue';
import { services } from './services.ts';

const holder = globalThis as { __weirCollector?: Promise<CollectorDeps> };

/** The event bus: WEIR_EVENT_BUS_URL, else REDIS_URL; WEIR_EVENT_PARTITIONS partitions. */
export function collectorBus(): EventBus {
  const { config } = services();
  const redisUrl = config.redisUrl;
  if (!redisUrl) throw new Error('the event collector needs REDIS_URL (or WEIR_EVENT_BUS_URL)');
  return openEventBus(config, redisUrl);
}

/** The collector's parts, made once per process; the schema registry is loaded before the first answer. */
export function collectorDeps(): Promise<CollectorDeps> {
  holder.__weirCollector ??= (async () => {
    const { sql, config } = services();
    const validator = new RegistryPropertiesValidator(sql, {
      refreshMs: config.schemaRefreshMs,
      onRefreshError: (error) => console.error(`schema registry refresh failed: ${(error as Error).message}`),
    });
    await validator.start();
    return { bus: collectorBus(), sources: new CachedSources(new EventSources(sql)), validator };
  })().catch((error: unknown) => {
    // Asked again on the next request rather than remembered as broken.
    holder.__weirCollector = undefined;
    throw error;
  });
  return holder.__weirCollector;
}
