'use client';
import { useVirtualizer } from '@tanstack/react-virtual';
// Owns the DAG page's grid: runs as columns (oldest left, newest right) under a duration bar per
// run, tasks as rows in topological order (task groups collapsible, a mapped task as one row
// `task [n]` with its count per state, expandable to its instances), each cell a link to its task
// instance. Rows are virtualized, so a DAG of 1,000 tasks renders only what is on screen. The
// server renders the newest page (and re-renders it on live changes); "older runs" pages through
// the grid API. The selected run and task and the expanded tasks live in the URL.
import type { GridCellView, GridRunView, GridTaskView, GridView } from '@weir/engine';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { duration, instant } from '../../lib/format.ts';
import { type GridRow, gridRows } from './grid-rows.ts';

export interface DagGridProps {
  readonly dagId: string;
  /** The newest page. */
  readonly grid: GridView;
  /** The API cursor to the page after it (null: no older runs). */
  readonly nextCursor: string | null;
  /** The page's query (the selected run and task, expanded tasks, filters), kept by every link. */
  readonly query: Readonly<Record<string, string>>;
  readonly selectedRun: string | null;
  readonly selectedTask: string | null;
  readonly expand: readonly string[];
}

type StateCounts = Readonly<Partial<Record<GridCellView['state'], number>>>;

interface OlderPages {
  readonly runs: readonly GridRunView[];
  readonly tasks: readonly GridTaskView[];
  /** Where they were read from (the newest page's cursor then) and with which expansions. */
  readonly from: string | null;
  readonly expandKey: string;
  readonly next: string | null;
}

const ROW_HEIGHT = 22;
const BAR_HEIGHT = 44;
const PAGE = 25;
const NO_OLDER: OlderPages = { runs: [], tasks: [], from: null, expandKey: '', next: null };

const enc = encodeURIComponent;
const ARROWS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

function summary(states: StateCounts): string {
  return Object.entries(states)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
}

/** The run's cells in the order of `to`, when they were read for another task list. */
function align(run: GridRunView, from: readonly GridTaskView[], to: readonly GridTaskView[]): GridRunView {
  const byTask = new Map(from.map((t, i) => [t.taskId, run.cells[i] ?? null]));
  return { ...run, cells: to.map((t) => byTask.get(t.taskId) ?? null) };
}

const sameTasks = (a: readonly GridTaskView[], b: readonly GridTaskView[]) =>
  a.length === b.length && a.every((t, i) => t.taskId === b[i]?.taskId);

async function fetchPages(
  dagId: string,
  before: string,
  count: number,
  expandKey: string,
): Promise<{ runs: GridRunView[]; tasks: GridTaskView[]; next: string | null }> {
  const runs: GridRunView[] = [];
  let tasks: GridTaskView[] = [];
  let cursor: string | null = before;
  while (cursor !== null && runs.length < count) {
    const params = new URLSearchParams({ before: cursor, limit: String(Math.min(100, count - runs.length)) });
    if (expandKey) params.set('expand', expandKey);
    const response = await fetch(`/api/v1/dags/${enc(dagId)}/grid?${params}`, {
      headers: { accept: 'application/json' },
    });
    const body = (await response.json()) as GridView & {
      next_cursor: string | null;
      error?: { message: string };
    };
    if (!response.ok) throw new Error(body.error?.message ?? `the grid API answered ${response.status}`);
    tasks = body.tasks;
    runs.push(...body.runs);
    cursor = body.next_cursor;
  }
  return { runs, tasks, next: cursor };
}

export function DagGrid({ dagId, grid, nextCursor, query, selectedRun, selectedTask, expand }: DagGridProps) {
  const router = useRouter();
  const pathname = usePathname();
  const [older, setOlder] = useState<OlderPages>(NO_OLDER);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Collapsed groups ride in the URL (`collapsed=a,b`) so a pasted link opens the grid as it was.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(
    () => new Set((query.collapsed ?? '').split(',').filter((g) => g.length > 0)),
  );
  const expandKey = expand.join(',');
  const tasks = grid.tasks;

  const href = useCallback(
    (change: Record<string, string | null>) => {
      const params = new URLSearchParams(query);
      if (collapsed.size > 0) params.set('collapsed', [...collapsed].join(','));
      else params.delete('collapsed');
      for (const [key, value] of Object.entries(change)) {
        if (value === null || value === '') params.delete(key);
        else params.set(key, value);
      }
      const text = params.toString();
      return text ? `${pathname}?${text}` : pathname;
    },
    [pathname, query, collapsed],
  );

  // Older pages stay as loaded while the newest page follows live changes; when that page moved
  // (a new run pushed one off it) or the expanded tasks changed, they are read again from its end.
  const olderCount = older.runs.length;
  useEffect(() => {
    if (olderCount === 0 || (older.from === nextCursor && older.expandKey === expandKey)) return;
    if (nextCursor === null) {
      setOlder(NO_OLDER);
      return;
    }
    let cancelled = false;
    fetchPages(dagId, nextCursor, olderCount, expandKey).then(
      (page) => {
        if (!cancelled) setOlder({ ...page, from: nextCursor, expandKey });
      },
      (e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [dagId, nextCursor, expandKey, olderCount, older.from, older.expandKey]);

  const loadOlder = async () => {
    const from = olderCount > 0 ? older.next : nextCursor;
    if (!from) return;
    setLoading(true);
    setError(null);
    try {
      const page = await fetchPages(dagId, from, PAGE, expandKey);
      setOlder((o) => ({
        runs: [...o.runs, ...page.runs],
        tasks: page.tasks,
        from: o.runs.length > 0 ? o.from : nextCursor,
        expandKey,
        next: page.next,
      }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  };

  // Oldest first (left), newest last (right); a run on both pages is shown once, as it is now.
  const runs = useMemo(() => {
    const seen = new Set(grid.runs.map((r) => r.id));
    const realign = !sameTasks(older.tasks, tasks);
    const rest = older.runs
      .filter((r) => !seen.has(r.id))
      .map((r) => (realign ? align(r, older.tasks, tasks) : r));
    return [...grid.runs, ...rest].reverse();
  }, [grid.runs, older, tasks]);
  const hasOlder = olderCount > 0 ? older.next !== null : nextCursor !== null;

  // The run a mapped row's `[n]` and breakdown describe: the selected one, else the newest.
  const pickedIndex = runs.findIndex((r) => r.runId === selectedRun);
  const rows = useMemo(() => {
    const expanded = new Map<string, number>();
    for (const taskId of expand) {
      const at = tasks.findIndex((t) => t.taskId === taskId);
      if (at < 0 || !tasks[at]?.mapped) continue;
      let n = 0;
      for (const run of runs)
        n = Math.max(n, run.instances[taskId]?.length ?? 0, run.cells[at]?.mapped?.count ?? 0);
      expanded.set(taskId, n);
    }
    return gridRows(tasks, grid.groups, { collapsed, expanded });
  }, [tasks, grid.groups, collapsed, expand, runs]);

  const maxDuration = Math.max(1, ...runs.map((r) => r.durationMs ?? 0));

  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const [headHeight, setHeadHeight] = useState(BAR_HEIGHT + 8);
  useLayoutEffect(() => {
    if (headRef.current) setHeadHeight(headRef.current.offsetHeight);
  }, []);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: headHeight,
    // The server renders the first screen of rows too.
    initialRect: { width: 1200, height: 640 },
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items.length > 0 ? Math.max(0, (items[0]?.start ?? 0) - headHeight) : 0;
  const padBottom =
    items.length > 0 ? Math.max(0, virtualizer.getTotalSize() - ((items.at(-1)?.end ?? 0) - headHeight)) : 0;

  // Newest runs are on the right: open scrolled there, and keep the same runs in view when older
  // ones are added on the left.
  const fromRight = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs.length is the trigger (columns added)
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    el.scrollLeft = el.scrollWidth - el.clientWidth - fromRight.current;
  }, [runs.length]);
  const onScroll = () => {
    const el = scrollRef.current;
    if (el) fromRight.current = el.scrollWidth - el.clientWidth - el.scrollLeft;
  };

  // Arrow keys move between cells (Tab still walks the links); a row off screen is scrolled to.
  const onKeyDown = (event: React.KeyboardEvent) => {
    const step = ARROWS[event.key];
    const td = (event.target as HTMLElement).closest<HTMLElement>('td[data-r]');
    if (!step || !td) return;
    const r = Number(td.dataset.r) + step[0];
    const c = Number(td.dataset.c) + step[1];
    if (r < 0 || r >= rows.length || c < 0 || c >= runs.length) return;
    event.preventDefault();
    const focus = () => {
      const next = scrollRef.current?.querySelector<HTMLElement>(`td[data-r="${r}"][data-c="${c}"]`);
      (next?.querySelector<HTMLElement>('a') ?? next)?.focus();
      return next !== null && next !== undefined;
    };
    if (!focus()) {
      virtualizer.scrollToIndex(r);
      requestAnimationFrame(() => requestAnimationFrame(focus));
    }
  };

  const toggleGroup = (groupId: string) => {
    const next = new Set(collapsed);
    if (next.has(groupId)) next.delete(groupId);
    else next.add(groupId);
    setCollapsed(next);
    // Only the URL changes: collapsing is drawn here, the server has nothing new to send.
    window.history.replaceState(null, '', href({ collapsed: [...next].join(',') || null }));
  };
  const toggleExpand = (taskId: string) => {
    const next = expand.includes(taskId) ? expand.filter((t) => t !== taskId) : [...expand, taskId];
    router.replace(href({ expand: next.join(',') || null }), { scroll: false });
  };

  const tiHref = (runId: string, taskId: string, tryNumber: number, mapIndex: number) => {
    const params = new URLSearchParams();
    if (tryNumber > 0) params.set('try', String(tryNumber));
    if (mapIndex >= 0) params.set('mapIndex', String(mapIndex));
    const text = params.toString();
    return `/dags/${enc(dagId)}/runs/${enc(runId)}/tasks/${enc(taskId)}${text ? `?${text}` : ''}`;
  };

  const picked = pickedIndex >= 0 ? runs[pickedIndex] : undefined;
  const reference = picked ?? runs.at(-1);

  const rowHeader = (row: GridRow) => {
    const indent = { paddingLeft: `${0.3 + row.depth * 1.1}rem` };
    if (row.kind === 'group') {
      const open = !collapsed.has(row.groupId);
      return (
        <th scope="row" style={indent} className="grid-task group">
          <button
            type="button"
            className="grid-toggle"
            aria-expanded={open}
            aria-label={`${open ? 'collapse' : 'expand'} group ${row.groupId}`}
            onClick={() => toggleGroup(row.groupId)}
          >
            {open ? '▾' : '▸'}
          </button>
          <span title={grid.groups.find((g) => g.groupId === row.groupId)?.tooltip ?? row.groupId}>
            {row.label}
          </span>
        </th>
      );
    }
    if (row.kind === 'instance')
      return (
        <th scope="row" style={indent} className="grid-task instance">
          [{row.mapIndex}]
        </th>
      );
    const cell = reference?.cells[row.index];
    const counts = cell?.mapped?.states;
    const open = expand.includes(row.taskId);
    return (
      <th scope="row" style={indent} className="grid-task">
        {row.mapped ? (
          <button
            type="button"
            className="grid-toggle"
            aria-expanded={open}
            aria-label={`${open ? 'hide' : 'show'} instances of ${row.taskId}`}
            onClick={() => toggleExpand(row.taskId)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="grid-toggle-space" />
        )}
        <Link
          href={href({ task: row.taskId === selectedTask ? null : row.taskId })}
          prefetch={false}
          scroll={false}
          className="grid-task-name"
          title={row.taskId}
        >
          {row.label}
          {row.mapped ? ` [${cell?.mapped?.count ?? ' '}]` : ''}
        </Link>
        {counts ? (
          <span
            className="breakdown"
            role="img"
            aria-label={`${row.taskId} in ${reference?.runId}: ${summary(counts)}`}
            title={`in ${reference?.runId}: ${summary(counts)}`}
          >
            {Object.entries(counts).map(([state, n]) => (
              <span key={state} className="breakdown-item">
                <span className={`sq mini ${state}`} />
                {n}
              </span>
            ))}
          </span>
        ) : null}
      </th>
    );
  };

  const rowCell = (row: GridRow, run: GridRunView) => {
    if (row.kind === 'group') {
      const g = run.groups[row.groupId];
      return g ? (
        <span
          className={`sq ${g.state} group-cell`}
          role="img"
          aria-label={`group ${row.groupId} ${g.state}`}
          title={`${row.groupId} in ${run.runId}: ${summary(g.states)}`}
        />
      ) : (
        <span className="sq none" />
      );
    }
    if (row.kind === 'instance') {
      // Listed by map index, normally with none missing: the index is the position.
      const list = run.instances[row.taskId];
      const at = list?.[row.mapIndex];
      const ti = at?.mapIndex === row.mapIndex ? at : list?.find((i) => i.mapIndex === row.mapIndex);
      if (!ti) return <span className="sq none" />;
      return (
        <Link
          href={tiHref(run.runId, row.taskId, ti.tryNumber, ti.mapIndex)}
          prefetch={false}
          className={`sq ${ti.state}`}
          aria-label={`${row.taskId} [${ti.mapIndex}] ${ti.state}`}
          title={`${row.taskId} [${ti.mapIndex}] in ${run.runId}: ${ti.state}, try ${ti.tryNumber}`}
        />
      );
    }
    const cell = run.cells[row.index];
    if (!cell) return <span className="sq none" title={`${row.taskId}: no instance in ${run.runId}`} />;
    const counts = cell.mapped ? `: ${summary(cell.mapped.states)}` : '';
    return (
      <Link
        href={tiHref(run.runId, row.taskId, cell.tryNumber, cell.mapIndex)}
        prefetch={false}
        className={`sq ${cell.state}${cell.mapped ? ' mapped' : ''}`}
        aria-label={`${row.taskId} ${cell.state}${counts}`}
        title={`${row.taskId} in ${run.runId}: ${cell.state}${counts}${cell.tryNumber > 0 ? `, try ${cell.tryNumber}` : ''}`}
      />
    );
  };

  return (
    <section className="dag-grid" data-testid="grid" aria-label={`grid of ${dagId}`}>
      <div className="grid-toolbar">
        <button type="button" className="secondary" onClick={loadOlder} disabled={!hasOlder || loading}>
          {loading ? 'loading…' : '← older runs'}
        </button>
        <span className="muted small">
          {runs.length} of {grid.totalRuns} runs · {tasks.length} tasks
        </span>
        {picked ? (
          <span className="small grid-picked">
            run <code>{picked.runId}</code> <span className={`state ${picked.state}`}>{picked.state}</span>{' '}
            {picked.runType} · {instant(new Date(picked.logicalDate))}
            {picked.durationMs !== null ? ` · ${duration(picked.durationMs / 1000)}` : ''}{' '}
            <Link href={href({ run: null })} scroll={false} prefetch={false}>
              clear
            </Link>
          </span>
        ) : null}
        {picked && selectedTask && tasks.some((t) => t.taskId === selectedTask) ? (
          <PickedTask dagId={dagId} run={picked} tasks={tasks} taskId={selectedTask} tiHref={tiHref} />
        ) : null}
        {error ? (
          <span className="bad small" role="alert">
            {error}
          </span>
        ) : null}
      </div>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys bubble up from the cells' links */}
      <div className="grid-scroll" ref={scrollRef} onScroll={onScroll} onKeyDown={onKeyDown}>
        <table className="grid">
          <thead ref={headRef}>
            <tr>
              <th className="grid-corner" scope="col">
                task
              </th>
              {runs.map((r) => {
                const h =
                  r.durationMs === null
                    ? 3
                    : Math.max(3, Math.round((r.durationMs / maxDuration) * BAR_HEIGHT));
                return (
                  <th
                    key={r.id}
                    scope="col"
                    className={`grid-run${r.runId === selectedRun ? ' picked' : ''}`}
                  >
                    <Link
                      href={href({ run: r.runId === selectedRun ? null : r.runId })}
                      prefetch={false}
                      scroll={false}
                      className={`sq ${r.state} bar`}
                      style={{ height: `${h}px` }}
                      aria-label={`run ${r.runId} ${r.state}`}
                      title={`${r.runId}\n${r.state} · ${r.runType}\n${instant(new Date(r.logicalDate))}${
                        r.durationMs !== null ? `\n${duration(r.durationMs / 1000)}` : ''
                      }`}
                    />
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {padTop > 0 ? (
              <tr className="grid-spacer" style={{ height: `${padTop}px` }}>
                <td colSpan={runs.length + 1} />
              </tr>
            ) : null}
            {items.map((item) => {
              const row = rows[item.index] as GridRow;
              const key =
                row.kind === 'group'
                  ? `g:${row.groupId}`
                  : row.kind === 'instance'
                    ? `i:${row.taskId}:${row.mapIndex}`
                    : `t:${row.taskId}`;
              const isPicked = row.kind !== 'group' && row.taskId === selectedTask;
              return (
                <tr key={key} className={`${row.kind}-row${isPicked ? ' picked-row' : ''}`}>
                  {rowHeader(row)}
                  {runs.map((r, c) => (
                    <td
                      key={r.id}
                      className={r.runId === selectedRun ? 'picked' : undefined}
                      data-r={item.index}
                      data-c={c}
                      tabIndex={-1}
                    >
                      {rowCell(row, r)}
                    </td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 ? (
              <tr className="grid-spacer" style={{ height: `${padBottom}px` }}>
                <td colSpan={runs.length + 1} />
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function PickedTask({
  run,
  tasks,
  taskId,
  tiHref,
}: {
  dagId: string;
  run: GridRunView;
  tasks: readonly GridTaskView[];
  taskId: string;
  tiHref: (runId: string, taskId: string, tryNumber: number, mapIndex: number) => string;
}) {
  const cell = run.cells[tasks.findIndex((t) => t.taskId === taskId)];
  if (!cell) return <span className="small muted">· {taskId}: no instance in this run</span>;
  return (
    <span className="small">
      · <Link href={tiHref(run.runId, taskId, cell.tryNumber, cell.mapIndex)}>{taskId}</Link>{' '}
      <span className={`state ${cell.state}`}>{cell.state}</span>
    </span>
  );
}
