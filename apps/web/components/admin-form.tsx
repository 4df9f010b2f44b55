'use client';
// Owns the forms of the admin pages (variables, connections, pools, users, tokens): a server
// action's answer shown in place, each problem next to its field, what was sent filled in again,
// and a delete button that asks first. The actions check the role and write the audit log.
import { type ReactNode, useActionState } from 'react';
import { type FormState, START } from '../lib/form-state.ts';

export { Field } from './form-field.tsx';

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

export function AdminForm({
  action,
  submit,
  pending: pendingLabel,
  className,
  children,
  shown,
}: {
  readonly action: Action;
  readonly submit: string;
  readonly pending: string;
  readonly className?: string;
  /** The fields, given the last answer (its values and errors). */
  readonly children: (state: FormState) => ReactNode;
  /** Shown above the fields after a success (a token to copy once). */
  readonly shown?: (state: FormState) => ReactNode;
}) {
  const [state, run, pending] = useActionState(action, START);
  return (
    <form key={state.attempt} action={run} className={className ?? 'admin-form'} noValidate>
      {state.message ? (
        <p className={`banner${state.ok ? ' ok-banner' : ''}`} role={state.ok ? 'status' : 'alert'}>
          {state.message}
        </p>
      ) : null}
      {shown ? shown(state) : null}
      {children(state)}
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? pendingLabel : submit}
        </button>
      </div>
    </form>
  );
}

/** A one-button form that asks before it acts (delete, revoke, deactivate). */
export function ConfirmButton({
  action,
  fields,
  label,
  question,
  ariaLabel,
  className = 'secondary small-button bad-button',
}: {
  readonly action: (form: FormData) => Promise<void>;
  readonly fields: Readonly<Record<string, string>>;
  readonly label: string;
  readonly question: string;
  /** What the button does to what: "Delete warehouse_url". */
  readonly ariaLabel?: string;
  readonly className?: string;
}) {
  return (
    <form
      action={action}
      className="inline"
      onSubmit={(event) => {
        if (!window.confirm(question)) event.preventDefault();
      }}
    >
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={className} aria-label={ariaLabel}>
        {label}
      </button>
    </form>
  );
}

/** What a one-button form's action refused (?error= on the page's URL). */
export function ActionError({ error }: { readonly error: string | undefined }) {
  if (!error) return null;
  return (
    <p className="banner" role="alert">
      {error.slice(0, 500)}
    </p>
  );
}
