// Owns one data_quality run over the warehouse: the hourly checks of an arrival hour and the dbt
// tests of the whole tables, as `dq_results` rows, each with the alert it stands for (kind and
// check name), so the DAG raises what failed and resolves what passed.
import type { TaskAlertKind } from '@weir/sdk';
import { type DbtTest, type DbtTestConfig, runDbtTest } from './dbt-tests.ts';
import {
  DEFAULT_THRESHOLDS,
  type DqResult,
  type HourlyThresholds,
  runHourlyChecks,
} from './hourly-checks.ts';
import type { WarehouseReader } from './warehouse-reader.ts';

/** The dbt tests the bundled pipeline runs on every data_quality run (dbt's `tests:` of a model). */
export const PIPELINE_DBT_TESTS: readonly (DbtTest & { readonly config?: DbtTestConfig })[] = [
  { test: 'not_null', model: 'events', column: 'event_id' },
  { test: 'unique', model: 'events', column: 'event_id' },
  // Events of users with no profile yet are expected while profiles lag: a warning, not an error.
  {
    test: 'relationships',
    model: 'events',
    column: 'user_id',
    to: 'user_profiles',
    field: 'user_id',
    config: { severity: 'warn' },
  },
  { test: 'accepted_values', model: 'events', column: 'platform', values: ['ios', 'android', 'web'] },
];

export interface QualityFinding extends DqResult {
  /** The alert a failure raises (and a pass resolves). */
  readonly alertKind: TaskAlertKind;
}

const CONDITION_NUMBER = /(\d+)/;

export async function runQualityChecks(
  warehouse: WarehouseReader,
  hourStart: Date,
  now: Date,
  thresholds: HourlyThresholds = DEFAULT_THRESHOLDS,
): Promise<QualityFinding[]> {
  const hourly = await runHourlyChecks(warehouse, hourStart, now, thresholds);
  const findings: QualityFinding[] = hourly.map((r) => ({
    ...r,
    alertKind:
      r.check_name === 'volume'
        ? 'volume_drop'
        : r.check_name.startsWith('freshness')
          ? 'freshness'
          : 'data_quality_failed',
  }));
  for (const { config, ...test } of PIPELINE_DBT_TESTS) {
    const result = await runDbtTest(warehouse, test, config);
    findings.push({
      check_name: result.name,
      // dbt tests look at the whole table, not one hour.
      partition: 'all',
      passed: result.status === 'pass',
      severity: result.status === 'warn' || config?.severity === 'warn' ? 'warn' : 'error',
      observed: result.failures,
      threshold: Number(CONDITION_NUMBER.exec(result.condition)?.[1] ?? 0),
      checked_at: now.toISOString(),
      alertKind: 'data_quality_failed',
    });
  }
  return findings;
}
