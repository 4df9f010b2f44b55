// Owns the lists' filter forms: a GET form (so the filters land in the URL and a new filter
// starts from the newest page) with a Filter button and a Clear link, and the fields the lists
// share: a text field, a select of allowed values, and a date range.
import Link from 'next/link';
import type { ReactNode } from 'react';

export function FilterForm({
  action,
  label,
  children,
}: {
  readonly action: string;
  /** What is filtered, for screen readers ("filter runs"). */
  readonly label: string;
  readonly children: ReactNode;
}) {
  return (
    <form className="filters" action={action} aria-label={label}>
      {children}
      <button type="submit">Filter</button>
      <Link href={action} className="button-link">
        Clear
      </Link>
    </form>
  );
}

export function TextFilter({
  name,
  label,
  placeholder,
  value,
}: {
  readonly name: string;
  readonly label: string;
  readonly placeholder: string;
  readonly value: string | undefined;
}) {
  return (
    <label className="inline-label">
      {label}
      <input name={name} placeholder={placeholder} defaultValue={value ?? ''} />
    </label>
  );
}

export function SelectFilter({
  name,
  label,
  options,
  value,
}: {
  readonly name: string;
  readonly label: string;
  readonly options: readonly string[];
  readonly value: string | undefined;
}) {
  return (
    <label className="inline-label">
      {label}
      <select name={name} defaultValue={value ?? ''}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** `from` and `to` date fields; `label` says which date ("logical date", "started"). */
export function DateRangeFilter({
  label,
  from,
  to,
}: {
  readonly label: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}) {
  return (
    <>
      <label className="inline-label">
        {label} from
        <input type="date" name="from" defaultValue={from ?? ''} />
      </label>
      <label className="inline-label">
        to
        <input type="date" name="to" defaultValue={to ?? ''} />
      </label>
    </>
  );
}
