// Owns the notifications the channel and render tests send: a failed try of one task, and groups
// of several. Test data only; nothing in the package imports it.
import { type IncidentSummary, type Notification, taskInstanceUrl } from './types.ts';

export const BASE_URL = 'http://weir.test:3000';

export function sampleIncident(overrides: Partial<IncidentSummary> = {}): IncidentSummary {
  const dagId = overrides.dagId ?? 'etl_daily';
  const runId = overrides.runId ?? 'scheduled__2024-05-01T00:00:00+00:00';
  const taskId = overrides.taskId ?? 'load_orders';
  const tryNumber = overrides.tryNumber === undefined ? 3 : overrides.tryNumber;
  const mapIndex = overrides.mapIndex === undefined ? null : overrides.mapIndex;
  return {
    id: 1,
    kind: 'task_failed',
    severity: 'critical',
    title: `Task failed: ${dagId}.${taskId}`,
    dagId,
    runId,
    taskId,
    mapIndex,
    tryNumber,
    errorLines: ['Error: relation "orders" does not exist', '    at load (dags/etl.ts:42:7)'],
    occurrences: 1,
    state: 'open',
    flapping: false,
    url: taskInstanceUrl(BASE_URL, { dagId, runId, taskId: taskId ?? '', tryNumber, mapIndex }),
    firstSeenAt: new Date('2024-05-01T01:02:03Z'),
    lastSeenAt: new Date('2024-05-01T01:02:03Z'),
    ...overrides,
  };
}

export function sampleNotification(overrides: Partial<Notification> = {}): Notification {
  const incidents = overrides.incidents ?? [sampleIncident()];
  return {
    event: 'trigger',
    groupKey: 'weir:etl_daily:scheduled__2024-05-01T00:00:00+00:00',
    summary:
      incidents.length === 1 ? (incidents[0]?.title ?? '') : `${incidents.length} tasks failed in etl_daily`,
    severity: 'critical',
    incidents,
    thread: null,
    source: 'scheduler-1.test',
    baseUrl: BASE_URL,
    ...overrides,
  };
}

/** `count` failed tasks of one run. */
export function sampleGroup(count: number): IncidentSummary[] {
  return Array.from({ length: count }, (_, i) =>
    sampleIncident({
      id: i + 1,
      taskId: `task_${String(i + 1).padStart(2, '0')}`,
      title: `Task failed: task_${i + 1}`,
    }),
  );
}
