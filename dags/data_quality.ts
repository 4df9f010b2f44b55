// The bundled pipeline, step 4: data-quality checks on the warehouse. Each run checks one arrival
// hour (a scheduled run: the hour of its data interval; by hand: the last complete hour) for
// volume against the same hour yesterday, null rates of user_id and event_type, freshness
// (p95 of client_ts → loaded) and the dead-letter rate, and runs dbt-style tests on the tables.
// Every result is a row of `dq_results`; a failing check raises its own incident through
// `alerts.onDataQuality` (one per check while it keeps failing) and a passing one resolves it.
// Findings do not fail the run: the run fails only when a check cannot run.
import {
  ensureWarehouse,
  hourOf,
  pipelineEnvironment,
  recordDqResults,
  runQualityChecks,
  withWarehouseReader,
} from '@weir/pipeline';
import { dag } from '@weir/sdk';

const HOUR_MS = 3_600_000;

export default dag(
  {
    id: 'data_quality',
    schedule: '30 * * * *',
    startDate: '2026-01-01',
    catchup: false,
    maxActiveRuns: 1,
    pausedAtCreation: false,
    tags: ['pipeline', 'quality'],
    owner: 'data-platform',
    description: 'Volume, null rates, freshness, dead-letter rate and dbt tests on the warehouse',
    defaults: { retries: 1, retryDelay: '1m', pool: 'warehouse' },
  },
  (d) => {
    d.task('check_hour', async (ctx) => {
      const env = pipelineEnvironment();
      const now = new Date();
      const hour = ctx.runId.startsWith('scheduled__')
        ? hourOf(ctx.dataIntervalStart ?? ctx.logicalDate)
        : new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS);
      await ensureWarehouse(env.warehousePath);
      const findings = await withWarehouseReader(env.warehousePath, (w) => runQualityChecks(w, hour, now));
      await recordDqResults(env.warehousePath, findings);
      for (const f of findings) {
        if (f.passed) ctx.alerts.resolve({ kind: f.alertKind, check: f.check_name });
        else
          ctx.alerts.raise({
            kind: f.alertKind,
            check: f.check_name,
            severity: f.severity === 'warn' ? 'warning' : 'error',
            title: `${f.check_name} failed for ${f.partition}: observed ${f.observed ?? 'nothing'}, threshold ${f.threshold}`,
            details: { partition: f.partition, observed: f.observed, threshold: f.threshold },
          });
        ctx.log.info(
          `${f.passed ? 'pass' : f.severity === 'warn' ? 'WARN' : 'FAIL'} ${f.check_name} (${f.partition}): ${f.observed ?? '–'} / ${f.threshold}`,
        );
      }
      return { hour: hour.toISOString(), failed: findings.filter((f) => !f.passed).map((f) => f.check_name) };
    });
  },
);
