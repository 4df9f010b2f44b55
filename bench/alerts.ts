// Owns the alerts part of the bench: how long from a task's final failure (its attempt's end in
// PostgreSQL) to the Slack recorder receiving the message, with groupWait 0, for single failures
// (one incident each) and for 1,000 failures at once (one mapped task of 1,000 instances: one
// incident, one message). Baseline: the same chat.postMessage sent straight to the same recorder
// with @slack/web-api, in the same run. Its own `weir scheduler` and `weir worker`, started on an
// alerts.yaml naming the recorder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { type HttpRecorderHandle, startHttpRecorder } from '@weir/testing';
import type { BenchEnvironment } from './lib/environment.ts';
import { WeirProcess } from './lib/processes.ts';
import { triggerAndWait, waitForDags } from './lib/runs.ts';
import { percentile, round } from './lib/stats.ts';
import { sleep } from './lib/timeout.ts';

export interface AlertsResult {
  /** Final failure → Slack recorder, one incident at a time. */
  readonly single: { readonly n: number; readonly p50_ms: number | null; readonly p99_ms: number | null };
  /** 1,000 instances of one task failing together: first and last failure → the one message. */
  readonly burst: {
    readonly failures: number;
    readonly messages: number;
    readonly from_first_failure_ms: number | null;
    readonly from_last_failure_ms: number | null;
    /** From the first failure to the last: how fast the engine records 1,000 failures. */
    readonly failures_span_ms: number;
  };
  /** chat.postMessage straight to the recorder (WebClient), p50. */
  readonly baseline_post_p50_ms: number | null;
}

const SINGLE_DAGS = 15;
const BURST = 1_000;

export async function measureAlerts(env: BenchEnvironment, signal: AbortSignal): Promise<AlertsResult> {
  const received: number[] = [];
  let ts = 0;
  const slack: HttpRecorderHandle = await startHttpRecorder({
    respond: (req) => {
      if (req.path.endsWith('chat.postMessage')) received.push(Date.now());
      return { body: { ok: true, channel: 'CBENCH', ts: `1700000000.${String(++ts).padStart(6, '0')}` } };
    },
  });
  const processes: WeirProcess[] = [];
  try {
    const baseline = await baselinePosts(slack.url, 20);
    slack.clear();
    received.length = 0;
    const folder = env.tempFolder('alert-dags');
    const dagIds: string[] = [];
    for (let i = 0; i < SINGLE_DAGS; i++) {
      const dagId = `alert_bench_${String(i).padStart(2, '0')}`;
      dagIds.push(dagId);
      writeFileSync(
        join(folder, `${dagId}.ts`),
        `import { dag } from '@weir/sdk';\nexport default dag({ id: '${dagId}' }, (d) => {\n  d.task('fails', async () => { throw new Error('bench failure'); });\n});\n`,
      );
    }
    writeFileSync(
      join(folder, 'alert_burst.ts'),
      `import { dag } from '@weir/sdk';\nexport default dag({ id: 'alert_burst' }, (d) => {\n  d.map('each', { expand: { n: Array.from({ length: ${BURST} }, (_, i) => i) } }, async () => { throw new Error('bench burst'); });\n});\n`,
    );
    dagIds.push('alert_burst');
    const alertsFile = join(env.tempFolder('alerts'), 'alerts.yaml');
    writeFileSync(
      alertsFile,
      `groupWait: 0s\nchannels:\n  bench-slack: { type: slack, channel: '#bench', token: xoxb-bench, apiUrl: '${slack.url}/api/' }\nroutes:\n  default: { onFailure: [bench-slack] }\n`,
    );
    const weirEnv = env.weirEnv({
      WEIR_DAGS_FOLDER: folder,
      WEIR_ALERTS_FILE: alertsFile,
      WEIR_SCHEDULER_TICK_MS: '1000',
      WEIR_MAX_MAP_LENGTH: String(BURST),
    });
    const scheduler = new WeirProcess('alerts-scheduler', ['scheduler'], weirEnv);
    const worker = new WeirProcess('alerts-worker', ['worker', '--concurrency', '8'], weirEnv);
    processes.push(scheduler, worker);
    const watch = [scheduler, worker];
    await waitForDags(env, dagIds, watch, signal);

    const single: number[] = [];
    for (const dagId of dagIds.slice(0, SINGLE_DAGS)) {
      const before = received.length;
      const run = await triggerAndWait(env, dagId, watch, signal, { pollMs: 10 });
      while (received.length === before) await sleep(5, signal);
      const failedAt = await attemptEnd(env, dagId, run.runId, 'min');
      single.push((received[before] as number) - failedAt);
      // Let the run's own incident (run failed, grouped with the task's) settle before the next.
      await sleep(200, signal);
    }

    const before = received.length;
    const burst = await triggerAndWait(env, 'alert_burst', watch, signal, { pollMs: 50 });
    const deadline = Date.now() + 30_000;
    while (received.length === before && Date.now() < deadline) await sleep(5, signal);
    await sleep(2_000, signal);
    const first = received[before];
    const firstFailure = await attemptEnd(env, 'alert_burst', burst.runId, 'min');
    const lastFailure = await attemptEnd(env, 'alert_burst', burst.runId, 'max');
    return {
      single: {
        n: single.length,
        p50_ms: round(percentile(single, 50)),
        p99_ms: round(percentile(single, 99)),
      },
      burst: {
        failures: BURST,
        messages: received.length - before,
        from_first_failure_ms: first === undefined ? null : first - firstFailure,
        from_last_failure_ms: first === undefined ? null : first - lastFailure,
        failures_span_ms: lastFailure - firstFailure,
      },
      baseline_post_p50_ms: round(percentile(baseline, 50)),
    };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await slack.stop();
  }
}

/** When the run's first (or last) try ended, in ms since the epoch (the database's clock is this machine's). */
async function attemptEnd(
  env: BenchEnvironment,
  dagId: string,
  runId: string,
  which: 'min' | 'max',
): Promise<number> {
  const rows = await env.pool.query<{ at: Date }>(
    `SELECT ${which === 'min' ? 'MIN' : 'MAX'}(a.ended_at) AS at FROM task_attempt a
     JOIN task_instance t ON t.id = a.task_instance_id WHERE t.dag_id = $1 AND t.run_id = $2`,
    [dagId, runId],
  );
  const at = rows.rows[0]?.at;
  if (!at) throw new Error(`no ended try in ${dagId} ${runId}`);
  // task_attempt.ended_at is a UTC timestamp without zone; pg reads it as local time.
  return at.getTime() - at.getTimezoneOffset() * 60_000;
}

async function baselinePosts(url: string, n: number): Promise<number[]> {
  const client = new WebClient('xoxb-bench', { slackApiUrl: `${url}/api/` });
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await client.chat.postMessage({ channel: '#bench', text: 'baseline' });
    samples.push(performance.now() - started);
  }
  return samples;
}
