// Owns one labelled form field as every form shows it (trigger, backfill, admin pages): the
// label, the control, a hint, and the server's problem with it next to it (announced).
import type { ReactNode } from 'react';

export function Field({
  id,
  label,
  hint,
  error,
  inline = false,
  children,
}: {
  readonly id: string;
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  readonly error?: string | undefined;
  /** Label and control on one line (a checkbox). */
  readonly inline?: boolean;
  readonly children: ReactNode;
}) {
  return (
    <div className={`field${inline ? ' inline' : ''}${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <span id={`${id}-hint`} className="muted small">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
