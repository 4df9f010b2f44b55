// Owns the runs lists' filter form: state, run type and a logical-date range, sent as a GET so
// the filters land in the URL (and a new filter starts from the newest page).
import { DAG_RUN_STATES } from '@weir/domain';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { RUN_TYPES } from '../lib/run-filters.ts';

export function RunFilterForm({
  action,
  values,
  children,
}: {
  readonly action: string;
  readonly values: Readonly<Record<string, string | undefined>>;
  /** Extra fields before the common ones (the DAG filter across DAGs). */
  readonly children?: ReactNode;
}) {
  return (
    <form className="filters" action={action} aria-label="filter runs">
      {children}
      <label className="inline-label">
        state
        <select name="state" defaultValue={values.state ?? ''}>
          <option value="">any</option>
          {DAG_RUN_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-label">
        type
        <select name="type" defaultValue={values.type ?? ''}>
          <option value="">any</option>
          {RUN_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-label">
        logical date from
        <input type="date" name="from" defaultValue={values.from ?? ''} />
      </label>
      <label className="inline-label">
        to
        <input type="date" name="to" defaultValue={values.to ?? ''} />
      </label>
      <button type="submit">Filter</button>
      <Link href={action} className="button-link">
        Clear
      </Link>
    </form>
  );
}
