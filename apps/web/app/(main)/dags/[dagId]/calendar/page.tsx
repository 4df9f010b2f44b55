// Owns /dags/{dagId}/calendar: the DAG's runs per day over the last year (by logical date, in the
// DAG's time zone), one square per day coloured by outcome, weeks as columns like a contribution
// chart; a day links to the runs list of that day. One SQL aggregate feeds it.
import { type CalendarDay, runCalendar } from '@weir/engine';
import Link from 'next/link';
import { loadDagView } from '../../../../../lib/dag-view.ts';
import { services } from '../../../../../lib/services.ts';
import { DagViewHeader } from '../dag-view-header.tsx';

export const dynamic = 'force-dynamic';

const WEEKS = 53;
const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

type Outcome = 'success' | 'failed' | 'mixed' | 'running' | 'empty';

function outcomeOf(day: CalendarDay | undefined): Outcome {
  if (!day) return 'empty';
  const { success, failed, running, queued } = day.byState;
  if (running + queued > 0) return 'running';
  if (failed > 0) return success > 0 ? 'mixed' : 'failed';
  return 'success';
}

const WORDS: Record<Outcome, string> = {
  success: 'all succeeded',
  failed: 'all failed',
  mixed: 'some failed',
  running: 'some still running or queued',
  empty: 'no runs',
};

export default async function DagCalendarPage({ params }: { params: Promise<{ dagId: string }> }) {
  const { dagId, stored } = await loadDagView(params);
  const timezone = stored.serialized.timezone || 'UTC';
  // Today in the DAG's time zone, as a UTC midnight to count days on.
  const todayText = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
  const today = new Date(`${todayText}T00:00:00Z`);
  // Start on the Sunday WEEKS-1 weeks back, so each column is one week.
  const start = new Date(today.getTime() - ((WEEKS - 1) * 7 + today.getUTCDay()) * DAY_MS);
  // A day back further, so a time zone ahead of UTC loses none of the first day's runs.
  const days = await runCalendar(services().sql, dagId, timezone, new Date(start.getTime() - DAY_MS));
  const byDay = new Map(days.map((d) => [d.day, d]));
  const cells: { day: string; date: Date }[] = [];
  for (let at = start; at <= today; at = new Date(at.getTime() + DAY_MS))
    cells.push({ day: at.toISOString().slice(0, 10), date: at });
  const totals = { runs: 0, success: 0, failed: 0, days: 0 };
  for (const c of cells) {
    const d = byDay.get(c.day);
    if (!d) continue;
    totals.days++;
    totals.runs += d.total;
    totals.success += d.byState.success;
    totals.failed += d.byState.failed;
  }
  const runs = `/dags/${encodeURIComponent(dagId)}/runs`;
  return (
    <>
      <DagViewHeader dagId={dagId} current="calendar" isPaused={stored.isPaused} />
      <p className="muted">
        {totals.runs} runs on {totals.days} days over the last year ({totals.success} succeeded,{' '}
        {totals.failed} failed), by logical date in {timezone}.
      </p>
      <div className="calendar-wrap">
        <div className="calendar-months" style={{ gridTemplateColumns: `repeat(${WEEKS}, var(--cal-cell))` }}>
          {cells
            .filter((c, i) => c.date.getUTCDate() <= 7 && c.date.getUTCDay() === 0 && i < cells.length)
            .map((c) => (
              <span
                key={c.day}
                style={{ gridColumn: Math.floor(cells.indexOf(c) / 7) + 1 }}
                className="muted small"
              >
                {MONTHS[c.date.getUTCMonth()]}
              </span>
            ))}
        </div>
        <div className="calendar-body">
          <span className="calendar-weekdays muted small" aria-hidden="true">
            <span />
            <span>Mon</span>
            <span />
            <span>Wed</span>
            <span />
            <span>Fri</span>
            <span />
          </span>
          <section className="calendar" aria-label={`runs per day of ${dagId}`}>
            {cells.map((c) => {
              const d = byDay.get(c.day);
              const outcome = outcomeOf(d);
              const title = d
                ? `${c.day}: ${d.total} run${d.total === 1 ? '' : 's'}, ${WORDS[outcome]} (${d.byState.success} success, ${d.byState.failed} failed${d.byState.running + d.byState.queued > 0 ? `, ${d.byState.running + d.byState.queued} running or queued` : ''})`
                : `${c.day}: no runs`;
              return d ? (
                <Link
                  key={c.day}
                  href={`${runs}?from=${c.day}&to=${c.day}`}
                  className={`cal-day ${outcome}`}
                  title={title}
                  aria-label={title}
                  data-day={c.day}
                />
              ) : (
                <span key={c.day} className="cal-day empty" title={title} data-day={c.day} />
              );
            })}
          </section>
        </div>
        <p className="calendar-legend small muted">
          {(['success', 'mixed', 'failed', 'running', 'empty'] as const).map((o) => (
            <span key={o}>
              <span className={`cal-day ${o}`} /> {WORDS[o]}
            </span>
          ))}
        </p>
      </div>
    </>
  );
}
