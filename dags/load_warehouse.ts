// The bundled pipeline, step 3: curated partitions → the warehouse, one mapped task per partition
// the transform rewrote since the last load. Each load replaces exactly its partition (an
// event-time hour of events or windows, a bucket of users' sessions) in one transaction, so
// re-running one changes nothing. The DuckDB file has one writer at a time: every task that writes
// it runs in the one-slot `warehouse` pool.
import { loadDeadLetters, loadPartitions, pendingPartitions, pipelineEnvironment } from '@weir/pipeline';
import { dag } from '@weir/sdk';

export default dag(
  {
    id: 'load_warehouse',
    schedule: '20 * * * *',
    startDate: '2026-01-01',
    catchup: false,
    maxActiveRuns: 1,
    pausedAtCreation: false,
    tags: ['pipeline'],
    owner: 'data-platform',
    description: 'Curated Parquet → warehouse tables, one idempotent load per partition; dead letters',
    defaults: { retries: 2, retryDelay: '30s', retryExponentialBackoff: true, pool: 'warehouse' },
  },
  (d) => {
    const pending = d.task('pending_partitions', async (ctx) => {
      const env = pipelineEnvironment();
      const ids = await pendingPartitions(env.lake, env.warehousePath);
      ctx.log.info(`${ids.length} curated partitions to load`);
      return ids;
    });
    d.map('load_partition', { expand: { partition: pending } }, async (ctx, { partition }) => {
      const env = pipelineEnvironment();
      const result = await loadPartitions(env.lake, env.warehousePath, [partition]);
      ctx.log.info(
        `${partition}: ${result.rows} rows${result.skipped.length > 0 ? ' (already loaded)' : ''}`,
      );
      return { partition, rows: result.rows };
    });
    d.task('load_dead_letters', async (ctx) => {
      const env = pipelineEnvironment();
      const { parts } = await loadDeadLetters(env.lake, env.warehousePath);
      ctx.log.info(`${parts} new dead-letter parts loaded`);
      return { parts };
    });
  },
);
