// Owns what `weir alerts test` sends: a `test` Notification with one sample incident, so the
// message shows every field a real alert has while saying plainly that nothing failed.
import type { Notification } from './types.ts';

export function testNotification(options: {
  /** The channel's name in alerts.yaml. */
  readonly channel: string;
  /** WEIR_BASE_URL. */
  readonly baseUrl: string;
  /** The sending host. */
  readonly source: string;
  readonly now: Date;
}): Notification {
  const { channel, baseUrl, source, now } = options;
  return {
    event: 'test',
    groupKey: `weir-test-${channel}`,
    summary: `Weir can send alerts to channel "${channel}"`,
    severity: 'info',
    incidents: [
      {
        id: 0,
        kind: 'task_failed',
        severity: 'info',
        title: 'Sample incident (a test: nothing failed)',
        dagId: 'example_dag',
        runId: 'manual__test',
        taskId: 'example_task',
        mapIndex: null,
        tryNumber: 1,
        errorLines: ['This is where the first lines of the error appear.'],
        occurrences: 1,
        state: 'open',
        flapping: false,
        url: baseUrl,
        firstSeenAt: now,
        lastSeenAt: now,
      },
    ],
    thread: null,
    source,
    baseUrl,
  };
}
