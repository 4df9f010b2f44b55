'use client';
// Owns the trigger form in the browser: one typed field per param with its default, a logical
// date, and the server's answer shown in place (each problem next to its field).
import Link from 'next/link';
import { type ReactNode, useActionState } from 'react';
import { Field as FormField } from '../../../../../components/form-field.tsx';
import type { ParamField } from '../../../../../lib/param-fields.ts';
import { type TriggerState, triggerRun } from './actions.ts';

const KIND_HINTS: Partial<Record<ParamField['kind'], string>> = {
  integer: 'whole number',
  number: 'number',
  json: 'JSON',
};

const START: TriggerState = { attempt: 0, message: null, fields: {}, values: {} };

export function TriggerForm({
  dagId,
  fields,
  hasParams,
  cancel,
}: {
  readonly dagId: string;
  readonly fields: readonly ParamField[];
  readonly hasParams: boolean;
  readonly cancel: string;
}) {
  const [state, action, pending] = useActionState(triggerRun, START);
  const sent = state.attempt > 0;
  const value = (name: string, initial: string) => (sent ? (state.values[name] ?? '') : initial);
  return (
    // Drawn afresh per answer so the fields hold what was sent; the engine, not the browser,
    // checks the values (noValidate), so its messages are the ones shown.
    <form key={state.attempt} action={action} className="trigger-form" noValidate>
      <input type="hidden" name="dagId" value={dagId} />
      {state.message ? (
        <p className="banner" role="alert">
          {state.message}
        </p>
      ) : null}
      {hasParams ? (
        <fieldset>
          <legend>Params</legend>
          {fields.length === 0 ? <p className="muted">This DAG's params have no fields to fill in.</p> : null}
          {fields.map((f) => (
            <Field
              key={f.key}
              field={f}
              value={value(`param.${f.key}`, f.initial)}
              error={state.fields[`param.${f.key}`]}
            />
          ))}
        </fieldset>
      ) : (
        <fieldset>
          <legend>Configuration</legend>
          <FieldFrame
            id="conf"
            label="conf (JSON object)"
            hint="This DAG declares no params: the conf is passed to its tasks as it is."
            error={state.fields.conf}
          >
            <textarea
              id="conf"
              name="conf"
              rows={5}
              defaultValue={value('conf', '')}
              placeholder="{}"
              spellCheck={false}
              aria-invalid={state.fields.conf ? true : undefined}
              aria-describedby={state.fields.conf ? 'conf-error' : undefined}
            />
          </FieldFrame>
        </fieldset>
      )}
      <fieldset>
        <legend>Run</legend>
        <FieldFrame
          id="logicalDate"
          label="Logical date (UTC)"
          hint="Leave empty for now."
          error={state.fields.logicalDate}
        >
          <input
            id="logicalDate"
            name="logicalDate"
            type="datetime-local"
            step={1}
            defaultValue={value('logicalDate', '')}
            aria-invalid={state.fields.logicalDate ? true : undefined}
            aria-describedby={state.fields.logicalDate ? 'logicalDate-error' : undefined}
          />
        </FieldFrame>
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? 'Triggering…' : 'Trigger'}
        </button>
        <Link href={cancel} className="button-link">
          Cancel
        </Link>
      </div>
    </form>
  );
}

function Field({ field, value, error }: { field: ParamField; value: string; error: string | undefined }) {
  const id = `param-${field.key}`;
  const name = `param.${field.key}`;
  const common = {
    id,
    name,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : field.description ? `${id}-hint` : undefined,
  } as const;
  const label = `${field.label}${field.required ? ' *' : ''}`;
  if (field.kind === 'boolean')
    return (
      <FieldFrame id={id} label={label} hint={field.description} error={error} inline>
        <input {...common} type="checkbox" value="true" defaultChecked={value === 'true'} />
      </FieldFrame>
    );
  return (
    <FieldFrame id={id} label={label} hint={field.description} error={error} kind={field.kind}>
      {field.kind === 'enum' ? (
        <select {...common} defaultValue={value}>
          {field.required || value === '' ? <option value="">–</option> : null}
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : field.kind === 'json' ? (
        <textarea
          {...common}
          rows={Math.min(8, Math.max(2, value.split('\n').length))}
          defaultValue={value}
          spellCheck={false}
        />
      ) : (
        <input
          {...common}
          type={field.kind === 'string' ? 'text' : 'number'}
          step={field.kind === 'integer' ? 1 : 'any'}
          defaultValue={value}
        />
      )}
    </FieldFrame>
  );
}

function FieldFrame({
  id,
  label,
  hint,
  error,
  kind,
  inline = false,
  children,
}: {
  id: string;
  label: string;
  hint: string | null;
  error: string | undefined;
  kind?: ParamField['kind'];
  inline?: boolean;
  children: ReactNode;
}) {
  return (
    <FormField
      id={id}
      label={
        <>
          {label}
          {kind && KIND_HINTS[kind] ? <span className="muted small"> {KIND_HINTS[kind]}</span> : null}
        </>
      }
      hint={hint}
      error={error}
      inline={inline}
    >
      {children}
    </FormField>
  );
}
