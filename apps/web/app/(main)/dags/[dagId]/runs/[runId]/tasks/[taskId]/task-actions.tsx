// Owns the operator's controls on a task instance's page: Clear (its options go in the URL and
// open a preview of the instances it will clear, from the engine's dry run, before a confirm
// button), and Mark success / Mark failed with a downstream option.
import type { ClearResult } from '@weir/engine';
import Link from 'next/link';
import { clearTasks, markFailed, markSuccess } from './actions.ts';

export interface ClearOptions {
  readonly downstream: boolean;
  readonly upstream: boolean;
  readonly onlyFailed: boolean;
}

interface Ids {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
}

function Hidden({ ids, back }: { ids: Ids; back: string }) {
  return (
    <>
      <input type="hidden" name="dagId" value={ids.dagId} />
      <input type="hidden" name="runId" value={ids.runId} />
      <input type="hidden" name="taskId" value={ids.taskId} />
      <input type="hidden" name="back" value={back} />
    </>
  );
}

export function TaskActions({
  ids,
  page,
  keep,
  options,
}: {
  readonly ids: Ids;
  /** The task instance's page path. */
  readonly page: string;
  /** Query parameters to keep (try, mapIndex). */
  readonly keep: Readonly<Record<string, string>>;
  readonly options: ClearOptions;
}) {
  const back = withQuery(page, keep);
  return (
    <section className="panel task-actions" aria-label="task actions">
      <form method="get" action={page} className="action-group">
        {Object.entries(keep).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <input type="hidden" name="clear" value="preview" />
        <span className="group-label">Clear</span>
        <Check name="downstream" label="downstream" checked={options.downstream} />
        <Check name="upstream" label="upstream" checked={options.upstream} />
        <Check name="onlyFailed" label="only failed" checked={options.onlyFailed} />
        <button type="submit" className="secondary">
          Clear…
        </button>
      </form>
      <form action={markSuccess} className="action-group">
        <Hidden ids={ids} back={back} />
        <span className="group-label">Mark</span>
        <Check name="downstream" label="downstream" checked={false} />
        <button type="submit" className="secondary ok-button">
          Mark success
        </button>
        <button type="submit" formAction={markFailed} className="secondary bad-button">
          Mark failed
        </button>
      </form>
    </section>
  );
}

export function ClearPreview({
  ids,
  page,
  keep,
  options,
  preview,
}: {
  readonly ids: Ids;
  readonly page: string;
  readonly keep: Readonly<Record<string, string>>;
  readonly options: ClearOptions;
  readonly preview: ClearResult;
}) {
  const back = withQuery(page, keep);
  const n = preview.cleared.length;
  const chosen = [
    options.downstream ? 'downstream' : null,
    options.upstream ? 'upstream' : null,
    options.onlyFailed ? 'only failed' : null,
  ].filter(Boolean);
  return (
    <section className="panel confirm" aria-label="clear preview">
      <h2>
        {n === 0 ? 'Nothing to clear' : `Clear ${n} task instance${n === 1 ? '' : 's'}?`}{' '}
        <span className="muted small">
          {ids.taskId}
          {chosen.length > 0 ? ` with ${chosen.join(', ')}` : ' alone'}
        </span>
      </h2>
      {n === 0 ? (
        <p className="muted">
          No task instance matches these options (queued instances are left alone: no try of theirs is under
          way).
        </p>
      ) : (
        <>
          <p className="muted">
            Each runs again as a new try, with its retries available again; the run goes back to running.
          </p>
          <table className="compact">
            <thead>
              <tr>
                <th>task</th>
                <th>map index</th>
                <th>state now</th>
              </tr>
            </thead>
            <tbody>
              {preview.cleared.map((c) => (
                <tr key={`${c.taskId}:${c.mapIndex}`}>
                  <td>{c.taskId}</td>
                  <td>{c.mapIndex < 0 ? '–' : c.mapIndex === 0 ? '0 (all mapped)' : c.mapIndex}</td>
                  <td>
                    <span className={`state ${c.state}`}>{c.state}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <form action={clearTasks} className="actions">
        <Hidden ids={ids} back={back} />
        {options.downstream ? <input type="hidden" name="downstream" value="on" /> : null}
        {options.upstream ? <input type="hidden" name="upstream" value="on" /> : null}
        {options.onlyFailed ? <input type="hidden" name="onlyFailed" value="on" /> : null}
        {n > 0 ? <button type="submit">Confirm clear</button> : null}
        <Link href={back} className="button-link">
          Cancel
        </Link>
      </form>
    </section>
  );
}

function Check({ name, label, checked }: { name: string; label: string; checked: boolean }) {
  return (
    <label className="check">
      <input type="checkbox" name={name} defaultChecked={checked} /> {label}
    </label>
  );
}

function withQuery(path: string, query: Readonly<Record<string, string>>): string {
  const q = new URLSearchParams(query).toString();
  return q ? `${path}?${q}` : path;
}
