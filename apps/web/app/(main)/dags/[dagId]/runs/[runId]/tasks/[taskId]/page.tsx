// Owns a task instance's page, the one alert messages link to
// (/dags/{dagId}/runs/{runId}/tasks/{taskId}?try={n}&mapIndex={m}): its state, every try with its
// times, worker and outcome, the chosen try's error and its log (virtualized, searchable,
// downloadable, tailed live while the try runs), the instance's XCom output as a JSON tree; for
// operators, Clear (with its preview) and Mark.
import { can } from '@weir/auth';
import { isUnfinished } from '@weir/domain';
import {
  type ClearResult,
  EngineError,
  getDagRun,
  getTaskInstance,
  listXComs,
  readTaskLog,
} from '@weir/engine';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { JsonTree } from '../../../../../../../../components/json-tree.tsx';
import { type LogStart, LogView } from '../../../../../../../../components/log-view.tsx';
import { requirePage } from '../../../../../../../../lib/auth.ts';
import { duration, instant } from '../../../../../../../../lib/format.ts';
import { services } from '../../../../../../../../lib/services.ts';
import { type ClearOptions, ClearPreview, TaskActions } from './task-actions.tsx';

export const dynamic = 'force-dynamic';

/** Lines the server renders with the page: enough for the first screen; the rest come in pages. */
const FIRST_LINES = 500;

interface Params {
  dagId: string;
  runId: string;
  taskId: string;
}

export default async function TaskInstancePage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
  searchParams: Promise<{
    try?: string;
    mapIndex?: string;
    clear?: string;
    downstream?: string;
    upstream?: string;
    onlyFailed?: string;
    cleared?: string;
    marked?: string;
  }>;
}) {
  const principal = await requirePage();
  const operate = can(principal.role, 'run.operate');
  const { dagId, runId, taskId } = await params;
  const query = await searchParams;
  const { db, sql, engine } = services();
  const ids = {
    dagId: decodeURIComponent(dagId),
    runId: decodeURIComponent(runId),
    taskId: decodeURIComponent(taskId),
  };
  const mapIndex =
    query.mapIndex !== undefined && /^\d+$/.test(query.mapIndex) ? Number(query.mapIndex) : undefined;
  let run: Awaited<ReturnType<typeof getDagRun>>;
  let ti: Awaited<ReturnType<typeof getTaskInstance>>;
  try {
    run = await getDagRun(db, ids.dagId, ids.runId);
    ti = await getTaskInstance(db, run, ids.taskId, mapIndex);
  } catch (error) {
    if (error instanceof EngineError && /NOT_FOUND/.test(error.code)) notFound();
    if (error instanceof EngineError)
      return (
        <>
          <h1>{ids.taskId}</h1>
          <p className="bad">{error.message}</p>
        </>
      );
    throw error;
  }
  const tries = await sql.$queryRaw<
    {
      try_number: number;
      queued_at: Date | null;
      started_at: Date;
      ended_at: Date | null;
      outcome: string | null;
      error: string | null;
      error_stack: string | null;
      hostname: string | null;
      pid: number | null;
    }[]
  >`
    SELECT try_number, queued_at, started_at, ended_at, outcome::text AS outcome, error, error_stack, hostname, pid
    FROM task_attempt WHERE task_instance_id = ${ti.id} ORDER BY try_number`;
  const now = new Date();
  const asked = query.try !== undefined && /^\d+$/.test(query.try) ? Number(query.try) : undefined;
  const chosen = tries.find((t) => t.try_number === asked) ?? tries.at(-1);
  // The try whose log is shown: the chosen one, or the first one while it waits to start.
  const logTry = chosen?.try_number ?? (isUnfinished(ti.state) ? Math.max(ti.tryNumber, 1) : undefined);
  let logStart: LogStart | null = null;
  if (logTry !== undefined) {
    // The attempt was read before the lines: its end is recorded after the try's last line.
    const ended = chosen ? chosen.ended_at !== null : false;
    const first = await readTaskLog(db, ti.id, logTry, undefined, FIRST_LINES);
    logStart = {
      lines: first.map((l) => ({ at: l.at.toISOString(), level: l.level, message: l.message })),
      continuationToken: String(first.at(-1)?.id ?? 0n),
      done: ended && first.length < FIRST_LINES,
      running: !ended,
    };
  }
  const xcoms = await listXComs(db, ti.id);
  const base = `/dags/${encodeURIComponent(ids.dagId)}/runs/${encodeURIComponent(ids.runId)}/tasks/${encodeURIComponent(ids.taskId)}`;
  const apiBase = `/api/v1/dags/${encodeURIComponent(ids.dagId)}/dagRuns/${encodeURIComponent(ids.runId)}/taskInstances/${encodeURIComponent(ids.taskId)}`;
  const mapQuery = ti.mapIndex >= 0 ? `?mapIndex=${ti.mapIndex}` : '';
  const link = (n: number) => `${base}?try=${n}${ti.mapIndex >= 0 ? `&mapIndex=${ti.mapIndex}` : ''}`;
  const keep: Record<string, string> = ti.mapIndex >= 0 ? { mapIndex: String(ti.mapIndex) } : {};
  const previewing = operate && query.clear === 'preview';
  const options: ClearOptions = previewing
    ? {
        downstream: query.downstream === 'on',
        upstream: query.upstream === 'on',
        onlyFailed: query.onlyFailed === 'on',
      }
    : { downstream: true, upstream: false, onlyFailed: false };
  let preview: ClearResult | null = null;
  if (previewing) preview = await engine.clear({ ...ids, taskIds: [ids.taskId], ...options, dryRun: true });
  const marked = /^(success|failed):(\d+)$/.exec(query.marked ?? '');
  return (
    <>
      <p className="crumbs">
        <Link href="/dags">DAGs</Link> /{' '}
        <Link href={`/dags/${encodeURIComponent(ids.dagId)}`}>{ids.dagId}</Link> / {ids.runId}
      </p>
      <h1>
        {ids.taskId}
        {ti.mapIndex >= 0 ? ` [${ti.mapIndex}]` : ''} <span className={`state ${ti.state}`}>{ti.state}</span>
      </h1>
      <p className="muted">
        try {ti.tryNumber} of {ti.maxTries} · pool {ti.pool} · queue {ti.queue}
        {ti.duration !== null ? ` · last try ran ${duration(ti.duration)}` : ''}
      </p>
      {query.cleared !== undefined && /^\d+$/.test(query.cleared) ? (
        <p className="banner ok-banner" role="status">
          Cleared {query.cleared} task instance{query.cleared === '1' ? '' : 's'}:{' '}
          {query.cleared === '0' ? 'nothing changed.' : 'they run again as new tries.'}
        </p>
      ) : null}
      {marked ? (
        <p className="banner ok-banner" role="status">
          Marked {marked[2]} task instance{marked[2] === '1' ? '' : 's'} {marked[1]}.
        </p>
      ) : null}
      {operate ? (
        preview ? (
          <ClearPreview ids={ids} page={base} keep={keep} options={options} preview={preview} />
        ) : (
          <TaskActions ids={ids} page={base} keep={keep} options={options} />
        )
      ) : null}
      <h2>Tries</h2>
      {tries.length === 0 ? (
        <p className="muted">Not started yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>try</th>
              <th>outcome</th>
              <th>queued</th>
              <th>started</th>
              <th>ended</th>
              <th>duration</th>
              <th>worker</th>
            </tr>
          </thead>
          <tbody>
            {tries.map((t) => (
              <tr key={t.try_number} className={t === chosen ? 'current' : ''}>
                <td>
                  <Link href={link(t.try_number)}>#{t.try_number}</Link>
                </td>
                <td>
                  <span className={`state ${t.outcome ?? 'running'}`}>{t.outcome ?? 'running'}</span>
                </td>
                <td>{instant(t.queued_at)}</td>
                <td>{instant(t.started_at)}</td>
                <td>{instant(t.ended_at)}</td>
                <td>
                  {duration(((t.ended_at ?? now).getTime() - t.started_at.getTime()) / 1000)}
                  {t.ended_at ? '' : ' so far'}
                </td>
                <td>
                  {t.hostname ?? ''}
                  {t.pid ? ` (pid ${t.pid})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {chosen?.error ? (
        <>
          <h2>Error of try {chosen.try_number}</h2>
          <pre className="error">{chosen.error_stack ?? chosen.error}</pre>
        </>
      ) : null}
      {logStart !== null && logTry !== undefined ? (
        <>
          <h2>Log of try {logTry}</h2>
          <LogView
            key={`${ti.id}:${logTry}`}
            api={`${apiBase}/logs/${logTry}${mapQuery}`}
            download={`${apiBase}/logs/${logTry}/download${mapQuery}`}
            tryNumber={logTry}
            start={logStart}
          />
        </>
      ) : null}
      <h2>Output (XCom)</h2>
      {xcoms.length === 0 ? (
        <p className="muted">
          {isUnfinished(ti.state)
            ? 'No output yet: the task has not finished.'
            : 'The task returned nothing.'}
        </p>
      ) : (
        xcoms.map((x) => (
          <div key={x.key} className="xcom panel">
            <p className="xcom-head small">
              <code>{x.key}</code> · {x.sizeBytes.toLocaleString('en')} bytes · {instant(x.createdAt)}
            </p>
            {x.objectKey !== null ? (
              <p className="muted">
                Too large for the database: stored in object storage as <code>{x.objectKey}</code>.
              </p>
            ) : (
              <JsonTree value={shownValue(x.value)} label={`XCom ${x.key}`} />
            )}
          </div>
        ))
      )}
    </>
  );
}

/** The SDK stores values JSON cannot say (a Date, a Map) in an envelope; its `json` reads as JSON. */
function shownValue(stored: unknown): unknown {
  if (stored !== null && typeof stored === 'object' && !Array.isArray(stored)) {
    const record = stored as Record<string, unknown>;
    if (record.__weir === 1 && 'json' in record) return record.json;
  }
  return stored;
}
