// Owns what the web app's event collector (POST /api/v1/events) runs on: the event bus, the
// write-key cache and the properties validator, one of each per server process, created on the
// first request (kept on globalThis, as services() is, so dev-mode reloads open no new ones).
import {
  CachedSources,
  type CollectorDeps,
  EventSources,
  envelopeOnlyValidator,
  openEventBus,
} from '@weir/pipeline';
import type { EventBus } from '@weir/queue';
import { services } from './services.ts';

const holder = globalThis as { __weirCollector?: CollectorDeps };

/** The event bus: WEIR_EVENT_BUS_URL, else REDIS_URL; WEIR_EVENT_PARTITIONS partitions. */
export function collectorBus(): EventBus {
  const { config } = services();
  const redisUrl = config.redisUrl;
  if (!redisUrl) throw new Error('the event collector needs REDIS_URL (or WEIR_EVENT_BUS_URL)');
  return openEventBus(config, redisUrl);
}

export function collectorDeps(): CollectorDeps {
  if (holder.__weirCollector) return holder.__weirCollector;
  const { sql } = services();
  holder.__weirCollector = {
    bus: collectorBus(),
    sources: new CachedSources(new EventSources(sql)),
    // TODO(integrator): the schema registry's PropertiesValidator.
    validator: envelopeOnlyValidator,
  };
  return holder.__weirCollector;
}
