// The bundled pipeline, step 2: the raw zone → curated Parquet. A scheduled run first waits (in
// reschedule mode, holding no worker slot) for its hour's `_SUCCESS` marker; then, like a run
// triggered by hand, it folds in every raw part and profile snapshot not yet curated: dedup by
// event_id across all time, sessions (30-minute gap), enrichment with user_profiles, tumble and
// hop windows. What it rewrites is what load_warehouse loads next.
import { hourOf, isHourClosed, pipelineEnvironment, runTransform } from '@weir/pipeline';
import { dag } from '@weir/sdk';

export default dag(
  {
    id: 'transform_events',
    schedule: '10 * * * *',
    startDate: '2026-01-01',
    catchup: false,
    // Runs must not overlap: the curated manifest is their only coordination.
    maxActiveRuns: 1,
    pausedAtCreation: false,
    tags: ['pipeline'],
    owner: 'data-platform',
    description: 'Raw events → curated Parquet: dedup, sessions, enrichment, 1-minute and 5-minute windows',
    defaults: { retries: 2, retryDelay: '1m', retryExponentialBackoff: true },
  },
  (d) => {
    const raw = d.sensor(
      'wait_for_raw_hour',
      { mode: 'reschedule', pokeInterval: '1m', timeout: '3h' },
      async (ctx) => {
        // By hand (or a backfill): whatever is ready is processed, nothing to wait for.
        if (!ctx.runId.startsWith('scheduled__')) return true;
        const hour = hourOf(ctx.dataIntervalStart ?? ctx.logicalDate);
        return isHourClosed(pipelineEnvironment().lake, hour);
      },
    );
    d.task('transform', { after: [raw], executionTimeout: '1h' }, async (ctx) => {
      const result = await runTransform(pipelineEnvironment().lake, {});
      ctx.log.info(
        `folded in ${result.newRawParts} raw parts and ${result.newSnapshots} profile snapshots: ${result.newEvents} new events, ${result.touched.length} partitions rewritten`,
      );
      return { seq: result.seq, newEvents: result.newEvents, touched: result.touched.length };
    });
  },
);
