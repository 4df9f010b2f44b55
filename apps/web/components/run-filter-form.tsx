// Owns the runs lists' filter form: state, run type and a logical-date range (and, across DAGs,
// the fields the page adds before them).
import { DAG_RUN_STATES } from '@weir/domain';
import type { ReactNode } from 'react';
import { RUN_TYPES } from '../lib/run-filters.ts';
import { DateRangeFilter, FilterForm, SelectFilter } from './filter-form.tsx';

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
    <FilterForm action={action} label="filter runs">
      {children}
      <SelectFilter name="state" label="state" options={DAG_RUN_STATES} value={values.state} />
      <SelectFilter name="type" label="type" options={RUN_TYPES} value={values.type} />
      <DateRangeFilter label="logical date" from={values.from} to={values.to} />
    </FilterForm>
  );
}
