// Owns drawing a run's Gantt: a row per task instance, a bar per try from queued (the lighter
// part) through start to end, coloured by how the try ended, on a UTC time axis; each bar links
// to its try on the task-instance page and shows its times on hover or focus. Plain HTML and CSS
// (bars placed by percentage), so it needs no script and follows the page's light and dark colours.
import type { GanttTryView, RunGanttView } from '@weir/engine';
import Link from 'next/link';
import { elapsed, percentOf, type Span, spanOf, tickLabel, ticksOf } from './gantt-scale.ts';

const clock = (at: Date) => `${at.toISOString().slice(11, 23)} UTC`;

function tryLines(t: GanttTryView, end: Date, open: boolean): string[] {
  const lines = [`try ${t.tryNumber}: ${t.outcome ?? t.state}`];
  if (t.queuedAt) lines.push(`queued ${clock(t.queuedAt)}`);
  if (t.startedAt) lines.push(`started ${clock(t.startedAt)}`);
  if (t.endedAt) lines.push(`ended ${clock(t.endedAt)}`);
  if (t.queuedAt && t.startedAt)
    lines.push(`waited ${elapsed(t.startedAt.getTime() - t.queuedAt.getTime())}`);
  if (t.startedAt)
    lines.push(`${open ? 'running for' : 'ran'} ${elapsed(end.getTime() - t.startedAt.getTime())}`);
  else if (t.queuedAt) lines.push(`queued for ${elapsed(end.getTime() - t.queuedAt.getTime())}`);
  return lines;
}

function Bar({ t, span, now, href }: { t: GanttTryView; span: Span; now: Date; href: string }) {
  const from = t.queuedAt ?? t.startedAt ?? now;
  const end = t.endedAt ?? now;
  const left = percentOf(span, from.getTime());
  const width = Math.max(0, percentOf(span, end.getTime()) - left);
  const total = end.getTime() - from.getTime();
  const queuedUntil = t.startedAt ?? end;
  const queuedShare = total > 0 ? ((queuedUntil.getTime() - from.getTime()) / total) * 100 : 0;
  const lines = tryLines(t, end, t.endedAt === null);
  return (
    <Link
      href={href}
      className={`gantt-bar st-${t.state}${t.endedAt === null ? ' open' : ''}${left > 55 ? ' tip-left' : ''}`}
      style={{ left: `${left}%`, width: `${width}%` }}
      data-testid="gantt-bar"
      data-try={t.tryNumber}
      data-state={t.state}
      aria-label={lines.join(', ')}
    >
      {queuedShare > 0 ? <span className="gantt-queued" style={{ width: `${queuedShare}%` }} /> : null}
      <span className="gantt-tip" role="tooltip">
        {lines.map((l) => (
          <span key={l}>{l}</span>
        ))}
      </span>
    </Link>
  );
}

export function RunGantt({ gantt }: { readonly gantt: RunGanttView }) {
  const { run, now } = gantt;
  const instants: number[] = [run.startedAt?.getTime() ?? run.queuedAt.getTime()];
  if (run.endedAt) instants.push(run.endedAt.getTime());
  for (const row of gantt.rows)
    for (const t of row.tries) {
      for (const at of [t.queuedAt, t.startedAt, t.endedAt]) if (at) instants.push(at.getTime());
      if (t.endedAt === null) instants.push(now.getTime());
    }
  const span = spanOf(instants);
  const ticks = ticksOf(span);
  const base = `/dags/${encodeURIComponent(gantt.dagId)}/runs/${encodeURIComponent(run.runId)}/tasks`;
  const tiHref = (taskId: string, mapIndex: number, tryNumber?: number) => {
    const q = [
      ...(tryNumber !== undefined ? [`try=${tryNumber}`] : []),
      ...(mapIndex >= 0 ? [`mapIndex=${mapIndex}`] : []),
    ];
    return `${base}/${encodeURIComponent(taskId)}${q.length > 0 ? `?${q.join('&')}` : ''}`;
  };
  const tries = gantt.rows.reduce((n, r) => n + r.tries.length, 0);
  return (
    <div className="gantt" data-testid="gantt">
      <p className="muted small gantt-summary">
        {gantt.rows.length} task instance{gantt.rows.length === 1 ? '' : 's'}, {tries} tr
        {tries === 1 ? 'y' : 'ies'} · {elapsed(span.end - span.start)} shown ·{' '}
        <span className="gantt-key queued-key" /> queued <span className="gantt-key ran-key" /> running to
        end, coloured by outcome
      </p>
      <div className="gantt-chart">
        <div className="gantt-row gantt-axis-row" aria-hidden>
          <div className="gantt-label muted small">task · time (UTC)</div>
          <div className="gantt-track gantt-axis">
            {ticks.at.map((at) => (
              <span key={at} className="gantt-tick" style={{ left: `${percentOf(span, at)}%` }}>
                {tickLabel(at, ticks.step)}
              </span>
            ))}
          </div>
        </div>
        <div className="gantt-body">
          <div className="gantt-lines" aria-hidden>
            {ticks.at.map((at) => (
              <span key={at} style={{ left: `${percentOf(span, at)}%` }} />
            ))}
          </div>
          {gantt.rows.length === 0 ? <p className="muted">No task instances yet.</p> : null}
          {gantt.rows.map((row) => (
            <div
              key={`${row.taskId}[${row.mapIndex}]`}
              className="gantt-row"
              data-testid="gantt-row"
              data-task-id={row.taskId}
              data-map-index={row.mapIndex}
            >
              <div className="gantt-label">
                <span className={`sq ${row.state}`} title={row.state} />
                <Link href={tiHref(row.taskId, row.mapIndex)} title={`${row.taskId}: ${row.state}`}>
                  {row.taskId}
                  {row.mapIndex >= 0 ? ` [${row.mapIndex}]` : ''}
                </Link>
              </div>
              <div className="gantt-track">
                {row.tries.length === 0 ? (
                  <span className="gantt-none muted small">
                    {row.state === 'none' ? 'not started' : row.state}
                  </span>
                ) : null}
                {row.tries.map((t) => (
                  <Bar
                    key={t.tryNumber}
                    t={t}
                    span={span}
                    now={now}
                    href={tiHref(row.taskId, row.mapIndex, t.tryNumber)}
                  />
                ))}
              </div>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
