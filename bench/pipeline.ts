// The `pipeline` section of the bench (issue 14, "Speed"): the collector's events/s against raw
// XADD pipelines, the incremental transform on 1,000,000 events against one plain DuckDB script,
// and one new hour of 10,000 events on top of that history against the same hour on an empty
// lake. Each measurement is bounded on its own, so one that cannot run leaves the others.
import { type CollectorResult, measureCollector } from './collector.ts';
import type { BenchEnvironment } from './lib/environment.ts';
import { type Bounded, withTimeout } from './lib/timeout.ts';
import { measurePipelineTransform, type PipelineTransformResult } from './pipeline-transform.ts';

/** Events of the transform part; also the history under the incremental hour (the issue asks
 *  for 30 days, 7.2 M events: too long for a 10-minute bench on two cores). */
export const TRANSFORM_EVENTS = 1_000_000;
const HISTORY_HOURS = 24;

export interface PipelineResult {
  collector_events_per_s: number | null;
  collector_p99_request_ms: number | null;
  baseline_xadd_events_per_s: number | null;
  collector_vs_xadd_ratio: number | null;
  transform_1m_ms: number | null;
  plain_duckdb_1m_ms: number | null;
  transform_vs_plain_ratio: number | null;
  new_hour_empty_ms: number | null;
  new_hour_on_history_ms: number | null;
  incremental_hour_ratio_vs_empty: number | null;
  history_events: number;
  history_hours: number;
  collector: CollectorResult | { skipped: string };
  transform: PipelineTransformResult | { skipped: string };
}

export async function measurePipeline(
  bench: BenchEnvironment,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<PipelineResult> {
  log('pipeline: collector, batches of 100 from 8 clients, then raw XADD');
  const collector: Bounded<CollectorResult> = await withTimeout('collector', 60_000, (s) =>
    measureCollector(bench, AbortSignal.any([signal, s])),
  );
  signal.throwIfAborted();
  log(`pipeline: transform of ${TRANSFORM_EVENTS.toLocaleString('en-US')} events vs plain DuckDB`);
  // Not abortable inside (DuckDB statements); the part's own timeout ends the wait.
  const transform: Bounded<PipelineTransformResult> = await withTimeout('transform', 240_000, () =>
    measurePipelineTransform(TRANSFORM_EVENTS),
  );
  const c = collector.ok ? collector.value : undefined;
  const t = transform.ok ? transform.value : undefined;
  return {
    collector_events_per_s: c?.events_per_s ?? null,
    collector_p99_request_ms: c?.p99_request_ms ?? null,
    baseline_xadd_events_per_s: c?.baseline_xadd_events_per_s ?? null,
    collector_vs_xadd_ratio: c?.ratio ?? null,
    transform_1m_ms: t?.transformMs ?? null,
    plain_duckdb_1m_ms: t?.plainDuckDbMs ?? null,
    transform_vs_plain_ratio: t?.ratio ?? null,
    new_hour_empty_ms: t?.newHourEmptyMs ?? null,
    new_hour_on_history_ms: t?.newHourOnHistoryMs ?? null,
    incremental_hour_ratio_vs_empty: t?.incrementalRatio ?? null,
    history_events: TRANSFORM_EVENTS,
    history_hours: HISTORY_HOURS,
    collector: c ?? { skipped: collector.ok ? 'no result' : collector.reason },
    transform: t ?? { skipped: transform.ok ? 'no result' : transform.reason },
  };
}
