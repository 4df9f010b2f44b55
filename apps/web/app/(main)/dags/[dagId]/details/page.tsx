// Owns /dags/{dagId}/details: the DAG's schedule in words and as written, time zone, catchup,
// owner, tags, limits, params, the next scheduled runs, its deadlines with their recent misses,
// and where its alerts go (alerts.yaml's routes with the DAG's and its tasks' `alerts` options).
import { AlertsConfigError, channelsFor, loadAlertsConfig } from '@weir/alerts';
import { nextScheduledRunsOf, pageDeadlineMisses } from '@weir/engine';
import type { RouteKey, SerializedDag, SerializedDeadline } from '@weir/sdk';
import Link from 'next/link';
import { loadDagView } from '../../../../../lib/dag-view.ts';
import { ago, duration, instant } from '../../../../../lib/format.ts';
import { scheduleInWords } from '../../../../../lib/schedule-words.ts';
import { services } from '../../../../../lib/services.ts';
import { DagViewHeader } from '../dag-view-header.tsx';

export const dynamic = 'force-dynamic';

/** The route keys that concern a DAG, each with an alert kind that follows it. */
const DAG_ROUTE_KEYS: readonly [RouteKey, Parameters<typeof channelsFor>[1], string][] = [
  ['onFailure', 'task_failed', 'a task or run fails'],
  ['onRetry', 'retrying', 'a task is retried'],
  ['onDeadlineMiss', 'deadline_missed', 'a deadline is missed'],
  ['onSensorTimeout', 'sensor_timed_out', 'a sensor times out'],
  ['onDataQuality', 'data_quality_failed', 'a data-quality check fails'],
];

export default async function DagDetailsPage({ params }: { params: Promise<{ dagId: string }> }) {
  const { dagId, stored } = await loadDagView(params);
  const { sql, db, config } = services();
  const dag = stored.serialized;
  const now = new Date();
  const [next, misses] = await Promise.all([
    stored.isPaused ? [] : nextScheduledRunsOf(sql, dag, now, 3),
    pageDeadlineMisses(db, { dagId, limit: 20 }),
  ]);
  let routes: { key: RouteKey; when: string; channels: { name: string; type: string | null }[] }[] = [];
  let routesProblem: string | null = null;
  let taskOverrides: { taskId: string; text: string }[] = [];
  try {
    const alerts = loadAlertsConfig(config);
    const typeOf = (name: string) => alerts.channels[name]?.type ?? null;
    routes = DAG_ROUTE_KEYS.map(([key, kind, when]) => ({
      key,
      when,
      channels: channelsFor(alerts, kind, dag, null).map((name) => ({ name, type: typeOf(name) })),
    }));
    taskOverrides = dag.tasks.flatMap((t) =>
      t.alerts
        ? [
            {
              taskId: t.taskId,
              text: [
                t.alerts.route ? `route ${t.alerts.route}` : null,
                ...Object.entries(t.alerts.channels).map(
                  ([key, names]) => `${key}: ${names.length ? names.join(', ') : 'nothing'}`,
                ),
              ]
                .filter(Boolean)
                .join(' · '),
            },
          ]
        : [],
    );
  } catch (error) {
    if (!(error instanceof AlertsConfigError)) throw error;
    routesProblem = error.message;
  }
  const deadlines = [...dag.deadlines.map((d) => ({ taskId: null as string | null, d }))].concat(
    dag.tasks.flatMap((t) => (t.deadline ? [{ taskId: t.taskId, d: t.deadline }] : [])),
  );
  // The runs list on the day of the run's logical date.
  const runsHref = (logicalDate: Date) => {
    const day = logicalDate.toISOString().slice(0, 10);
    return `/dags/${encodeURIComponent(dagId)}/runs?from=${day}&to=${day}`;
  };
  return (
    <>
      <DagViewHeader dagId={dagId} current="details" isPaused={stored.isPaused} />
      {dag.description ? <p>{dag.description}</p> : null}
      <div className="details-grid">
        <section className="panel" aria-labelledby="schedule-heading">
          <h2 id="schedule-heading">Schedule</h2>
          <dl className="facts">
            <dt>runs</dt>
            <dd>
              <strong className="schedule-words">
                {scheduleInWords(dag.schedule, dag.assetSchedule !== null)}
              </strong>
              {dag.schedule ? (
                <>
                  {' '}
                  <code>{dag.schedule}</code>
                </>
              ) : null}
            </dd>
            <dt>time zone</dt>
            <dd>{dag.timezone}</dd>
            <dt>catchup</dt>
            <dd>
              {dag.catchup
                ? 'on: missed intervals run when the DAG is unpaused'
                : 'off: only the latest interval runs'}
            </dd>
            <dt>start / end</dt>
            <dd>
              {dag.startDate ? instant(new Date(dag.startDate)) : '–'} →{' '}
              {dag.endDate ? instant(new Date(dag.endDate)) : 'no end'}
            </dd>
            <dt>next runs</dt>
            <dd>
              {stored.isPaused ? (
                <span className="muted">none while paused</span>
              ) : next.length === 0 ? (
                <span className="muted">none scheduled</span>
              ) : (
                <ul className="plain">
                  {next.map((r) => (
                    <li key={r.logicalDate.toISOString()}>
                      {instant(r.logicalDate)}{' '}
                      <span className="muted small">starts {ago(r.runAfter, now)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="about-heading">
          <h2 id="about-heading">About</h2>
          <dl className="facts">
            <dt>owner</dt>
            <dd>{dag.owner ?? '–'}</dd>
            <dt>tags</dt>
            <dd>
              {dag.tags.length === 0
                ? '–'
                : dag.tags.map((t) => (
                    <Link key={t} href={`/dags?tag=${encodeURIComponent(t)}`} className="tag">
                      {t}
                    </Link>
                  ))}
            </dd>
            <dt>file</dt>
            <dd>
              <Link href={`/dags/${encodeURIComponent(dagId)}/code`}>
                <code>{stored.fileloc}</code>
              </Link>
            </dd>
            <dt>limits</dt>
            <dd>
              {dag.maxActiveRuns} active runs, {dag.maxActiveTasks} active tasks
            </dd>
            <dt>tasks</dt>
            <dd>{dag.tasks.length}</dd>
            <dt>last parsed</dt>
            <dd>{ago(stored.lastParsedAt, now)}</dd>
          </dl>
        </section>
      </div>
      <section aria-labelledby="params-heading">
        <h2 id="params-heading">Params</h2>
        <ParamsTable dag={dag} />
      </section>
      <section aria-labelledby="deadlines-heading">
        <h2 id="deadlines-heading">Deadlines</h2>
        {deadlines.length === 0 ? (
          <p className="muted">No deadlines: nothing alerts when a run is late.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>deadline</th>
                <th>for</th>
                <th>must succeed</th>
              </tr>
            </thead>
            <tbody>
              {deadlines.map(({ taskId, d }) => (
                <tr key={`${taskId ?? ''}\n${d.id}`}>
                  <td>
                    <code>{d.id}</code>
                  </td>
                  <td>
                    {taskId ? (
                      <>
                        task <code>{taskId}</code>
                      </>
                    ) : (
                      'the run'
                    )}
                  </td>
                  <td>{deadlineInWords(d)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3>Recent misses</h3>
        {misses.items.length === 0 ? (
          <p className="muted">No deadline was missed.</p>
        ) : (
          <>
            <table>
              <thead>
                <tr>
                  <th>run</th>
                  <th>deadline</th>
                  <th>task</th>
                  <th>was due</th>
                  <th>run now</th>
                </tr>
              </thead>
              <tbody>
                {misses.items.map((m) => (
                  <tr key={m.id}>
                    <td>
                      {m.runState ? (
                        <Link href={runsHref(m.logicalDate)}>
                          <code>{m.runId}</code>
                        </Link>
                      ) : (
                        <code>{m.runId}</code>
                      )}
                    </td>
                    <td>
                      <code>{m.deadlineId}</code>
                    </td>
                    <td>{m.taskId ?? '–'}</td>
                    <td>{instant(m.deadlineAt)}</td>
                    <td>
                      {m.runState ? (
                        <span className={`state ${m.runState}`}>{m.runState}</span>
                      ) : (
                        <span className="muted">never created</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {misses.totalEntries > misses.items.length ? (
              <p className="muted small">
                {misses.totalEntries - misses.items.length} older misses:{' '}
                <Link href={`/deadline-misses?dag=${encodeURIComponent(dagId)}`}>all deadline misses</Link>
              </p>
            ) : null}
          </>
        )}
      </section>
      <section aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Alert routes</h2>
        {routesProblem ? (
          <p className="banner" role="alert">
            The alerts configuration could not be read: {routesProblem}
          </p>
        ) : (
          <>
            <p className="muted small">
              {dag.alerts?.route
                ? `This DAG follows the route "${dag.alerts.route}" of the alerts configuration`
                : 'This DAG follows the default route of the alerts configuration'}
              {dag.alerts && Object.keys(dag.alerts.channels).length > 0
                ? ', with its own channels where shown.'
                : '.'}
            </p>
            <table>
              <thead>
                <tr>
                  <th>when</th>
                  <th>key</th>
                  <th>goes to</th>
                </tr>
              </thead>
              <tbody>
                {routes.map((r) => (
                  <tr key={r.key}>
                    <td>{r.when}</td>
                    <td>
                      <code>{r.key}</code>
                    </td>
                    <td>
                      {r.channels.length === 0 ? (
                        <span className="warn">nowhere</span>
                      ) : (
                        r.channels.map((c) => (
                          <span key={c.name} className="channel">
                            {c.name}
                            <span className="muted small"> {c.type ?? 'not configured'}</span>
                          </span>
                        ))
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {taskOverrides.length > 0 ? (
              <ul className="plain small">
                {taskOverrides.map((t) => (
                  <li key={t.taskId}>
                    task <code>{t.taskId}</code>: {t.text}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        )}
      </section>
    </>
  );
}

function deadlineInWords(d: SerializedDeadline): string {
  const within = duration(d.intervalMs / 1000);
  const ref = d.reference;
  switch (ref.kind) {
    case 'dataIntervalEnd':
      return `within ${within} of its data interval's end`;
    case 'queuedAt':
      return `within ${within} of being queued`;
    case 'logicalDate':
      return `within ${within} of its logical date`;
    case 'timeOfDay':
      return `within ${within} of ${String(ref.hour).padStart(2, '0')}:${String(ref.minute).padStart(2, '0')} on its logical date`;
    default: {
      const never: never = ref;
      return String(never);
    }
  }
}

function ParamsTable({ dag }: { readonly dag: SerializedDag }) {
  if (!dag.params) return <p className="muted">No params: a run's conf is passed to its tasks as it is.</p>;
  const properties = (dag.params.schema.properties ?? {}) as Record<
    string,
    { type?: unknown; description?: unknown; enum?: unknown }
  >;
  const required = new Set((dag.params.schema.required as string[] | undefined) ?? []);
  const keys = Object.keys(properties);
  if (keys.length === 0) return <p className="muted">Params with no fields.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>param</th>
          <th>type</th>
          <th>default</th>
          <th>description</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => {
          const p = properties[key] ?? {};
          const def = dag.params?.defaults[key];
          return (
            <tr key={key}>
              <td>
                <code>{key}</code>
                {required.has(key) ? <span className="muted small"> required</span> : null}
              </td>
              <td>
                {Array.isArray(p.enum) ? `one of ${p.enum.map(String).join(', ')}` : String(p.type ?? 'any')}
              </td>
              <td>{def === undefined ? '–' : <code>{JSON.stringify(def)}</code>}</td>
              <td>{typeof p.description === 'string' ? p.description : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
