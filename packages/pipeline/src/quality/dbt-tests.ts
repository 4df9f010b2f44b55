// Owns dbt-style generic tests with dbt's semantics: each test is a query counting failing rows;
// `severity` (error by default) with `error_if` / `warn_if` conditions (`!=0` by default) decides
// whether that count is an error, a warning or a pass. With severity `warn` only `warn_if` is
// evaluated. (dbt docs: "Test configs: severity, error_if, warn_if".)
import type { SqlValue, WarehouseReader } from './warehouse-reader.ts';

export type DbtSeverity = 'error' | 'warn';
export type DbtStatus = 'pass' | 'warn' | 'error';

export type DbtTest =
  | { readonly test: 'not_null'; readonly model: string; readonly column: string }
  | { readonly test: 'unique'; readonly model: string; readonly column: string }
  | {
      readonly test: 'relationships';
      readonly model: string;
      readonly column: string;
      readonly to: string;
      readonly field: string;
    }
  | {
      readonly test: 'accepted_values';
      readonly model: string;
      readonly column: string;
      readonly values: readonly string[];
    };

export interface DbtTestConfig {
  readonly severity?: DbtSeverity;
  /** A comparison on the failing-row count: `!=0`, `>10`, `>=5`, `<3`, `=0`. */
  readonly errorIf?: string;
  readonly warnIf?: string;
}

export interface DbtTestResult {
  /** `not_null(events.event_id)`, as dbt names a test in its output. */
  readonly name: string;
  readonly status: DbtStatus;
  readonly failures: number;
  /** The condition that decided a warn or error, or the error condition for a pass. */
  readonly condition: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain SQL identifier`);
  return name;
}

export function dbtTestName(t: DbtTest): string {
  switch (t.test) {
    case 'not_null':
    case 'unique':
    case 'accepted_values':
      return `${t.test}(${t.model}.${t.column})`;
    case 'relationships':
      return `relationships(${t.model}.${t.column} → ${t.to}.${t.field})`;
  }
}

/** The query counting the test's failing rows (dbt's compiled SQL for each generic test). */
export function failingRowsSql(t: DbtTest): { sql: string; params: SqlValue[] } {
  const model = identifier(t.model);
  const column = identifier(t.column);
  switch (t.test) {
    case 'not_null':
      return { sql: `SELECT COUNT(*) AS failures FROM ${model} WHERE ${column} IS NULL`, params: [] };
    case 'unique':
      return {
        sql: `SELECT COUNT(*) AS failures FROM (SELECT ${column} FROM ${model} WHERE ${column} IS NOT NULL
              GROUP BY ${column} HAVING COUNT(*) > 1) AS duplicated`,
        params: [],
      };
    case 'relationships':
      // Nulls are not checked (dbt's relationships test filters them out).
      return {
        sql: `SELECT COUNT(*) AS failures FROM ${model} AS child
              WHERE child.${column} IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM ${identifier(t.to)} AS parent WHERE parent.${identifier(t.field)} = child.${column})`,
        params: [],
      };
    case 'accepted_values': {
      const placeholders = t.values.map((_, i) => `$${i + 1}`).join(', ');
      // Like dbt, a null is not an unaccepted value (not_null is its own test).
      return {
        sql: `SELECT COUNT(*) AS failures FROM ${model}
              WHERE ${column} IS NOT NULL AND ${column} NOT IN (${placeholders || 'NULL'})`,
        params: [...t.values],
      };
    }
  }
}

const CONDITION = /^\s*(!=|<>|>=|<=|=|==|>|<)\s*(\d+)\s*$/;

/** Whether `failures` meets a dbt condition such as `!=0` or `>10`. */
export function meetsCondition(failures: number, condition: string): boolean {
  const m = CONDITION.exec(condition);
  if (!m) throw new Error(`"${condition}" is not a dbt threshold: use !=0, >10, >=5, <3 or =0`);
  const bound = Number(m[2]);
  switch (m[1]) {
    case '!=':
    case '<>':
      return failures !== bound;
    case '>=':
      return failures >= bound;
    case '<=':
      return failures <= bound;
    case '>':
      return failures > bound;
    case '<':
      return failures < bound;
    default:
      return failures === bound;
  }
}

/** dbt's decision: severity error → error_if, then warn_if; severity warn → warn_if only. */
export function dbtStatus(
  failures: number,
  config: DbtTestConfig = {},
): { status: DbtStatus; condition: string } {
  const errorIf = config.errorIf ?? '!=0';
  const warnIf = config.warnIf ?? '!=0';
  if ((config.severity ?? 'error') === 'error' && meetsCondition(failures, errorIf))
    return { status: 'error', condition: errorIf };
  if (meetsCondition(failures, warnIf)) return { status: 'warn', condition: warnIf };
  return { status: 'pass', condition: config.severity === 'warn' ? warnIf : errorIf };
}

export async function runDbtTest(
  warehouse: WarehouseReader,
  test: DbtTest,
  config: DbtTestConfig = {},
): Promise<DbtTestResult> {
  const { sql, params } = failingRowsSql(test);
  const [row] = await warehouse.query(sql, params);
  const failures = Number(row?.failures ?? 0);
  return { name: dbtTestName(test), failures, ...dbtStatus(failures, config) };
}
