// Owns reading the runs lists' filters from the URL (state, run type, logical-date range, the
// page cursor): unknown values are ignored, so a hand-edited link still shows a list.
import { DAG_RUN_STATES, type DagRunState } from '@weir/domain';
import type { RunPageQuery, RunType } from '@weir/engine';
import { runCursor } from './api/cursor.ts';
import { utcInput } from './dag-view.ts';

export const RUN_TYPES: readonly RunType[] = ['scheduled', 'manual', 'backfill', 'asset_triggered'];

export interface RunFilterParams {
  readonly state?: string;
  readonly type?: string;
  readonly from?: string;
  readonly to?: string;
  readonly cursor?: string;
}

export function runFilters(params: RunFilterParams): {
  query: Omit<RunPageQuery, 'limit' | 'dagId'>;
  values: Record<string, string | undefined>;
} {
  const state = DAG_RUN_STATES.find((s) => s === params.state) as DagRunState | undefined;
  const runType = RUN_TYPES.find((t) => t === params.type);
  const from = utcInput(params.from);
  const to = utcInput(params.to);
  const cursor = params.cursor ? runCursor.safeParse(params.cursor) : undefined;
  // A `to` day includes that whole day.
  const toExclusive =
    to && /^\d{4}-\d{2}-\d{2}$/.test(params.to ?? '') ? new Date(to.getTime() + 86_400_000) : to;
  return {
    query: {
      ...(state ? { state } : {}),
      ...(runType ? { runType } : {}),
      ...(from ? { logicalDateFrom: from } : {}),
      ...(toExclusive ? { logicalDateTo: toExclusive } : {}),
      ...(cursor?.success ? { after: cursor.data } : {}),
    },
    values: {
      state,
      type: runType,
      from: from ? params.from : undefined,
      to: to ? params.to : undefined,
    },
  };
}
