'use client';
// Owns the backfill form in the browser: the range, what to do with intervals that already ran,
// how many runs at once; "Preview" shows the dry run's intervals and "Create backfill" makes it.
// The engine, not the browser, checks the values, so its messages are the ones shown.
import { useActionState } from 'react';
import { Field } from '../../../../../components/form-field.tsx';
import { type BackfillFormState, submitBackfill } from './actions.ts';

const START: BackfillFormState = { attempt: 0, message: null, fields: {}, values: {}, plan: null };

const ACTION_WORDS = { create: 'new run', reprocess: 'run again', skip: 'left alone' } as const;

export function BackfillForm({
  dagId,
  defaults,
}: {
  readonly dagId: string;
  readonly defaults: Record<string, string>;
}) {
  const [state, action, pending] = useActionState(submitBackfill, START);
  const sent = state.attempt > 0;
  const value = (name: string) => (sent ? (state.values[name] ?? '') : (defaults[name] ?? ''));
  const plan = state.plan;
  const counts = plan
    ? {
        create: plan.filter((p) => p.action === 'create').length,
        reprocess: plan.filter((p) => p.action === 'reprocess').length,
        skip: plan.filter((p) => p.action === 'skip').length,
      }
    : null;
  return (
    <form key={state.attempt} action={action} className="trigger-form backfill-form" noValidate>
      <input type="hidden" name="dagId" value={dagId} />
      {state.message ? (
        <p className="banner" role="alert">
          {state.message}
        </p>
      ) : null}
      <fieldset>
        <legend>New backfill</legend>
        <div className="field-row">
          <Field id="from" label="From logical date (UTC)" error={state.fields.from}>
            <input
              id="from"
              name="from"
              type="datetime-local"
              defaultValue={value('from')}
              aria-invalid={state.fields.from ? true : undefined}
            />
          </Field>
          <Field id="to" label="To logical date (UTC, inclusive)" error={state.fields.to}>
            <input
              id="to"
              name="to"
              type="datetime-local"
              defaultValue={value('to')}
              aria-invalid={state.fields.to ? true : undefined}
            />
          </Field>
        </div>
        <Field
          id="reprocess"
          label="Intervals that already have a finished run"
          error={state.fields.reprocess}
        >
          <select id="reprocess" name="reprocess" defaultValue={value('reprocess') || 'none'}>
            <option value="none">leave them (reprocess none)</option>
            <option value="failed">run failed ones again (reprocess failed)</option>
            <option value="completed">run all again (reprocess completed)</option>
          </select>
        </Field>
        <Field id="maxActiveRuns" label="Max active runs" error={state.fields.maxActiveRuns}>
          <input
            id="maxActiveRuns"
            name="maxActiveRuns"
            type="number"
            min={1}
            max={1000}
            step={1}
            defaultValue={value('maxActiveRuns') || '10'}
            aria-invalid={state.fields.maxActiveRuns ? true : undefined}
          />
        </Field>
      </fieldset>
      <div className="actions">
        <button
          type="submit"
          name="intent"
          value="preview"
          disabled={pending}
          className={plan ? 'secondary' : undefined}
        >
          {pending ? 'Working…' : 'Preview'}
        </button>
        {plan && counts && counts.create + counts.reprocess > 0 ? (
          <button type="submit" name="intent" value="create" disabled={pending}>
            Create backfill
          </button>
        ) : null}
      </div>
      {plan && counts ? (
        <section className="panel confirm" aria-labelledby="plan-heading">
          <h2 id="plan-heading">
            Dry run: {plan.length} interval{plan.length === 1 ? '' : 's'}
          </h2>
          <p className="muted small">
            {counts.create} new run{counts.create === 1 ? '' : 's'}, {counts.reprocess} to run again,{' '}
            {counts.skip} left alone. Nothing has been created yet.
          </p>
          {plan.length === 0 ? (
            <p className="muted">The range holds no interval of this DAG's schedule.</p>
          ) : (
            <div className="plan-scroll">
              <table aria-label="planned intervals">
                <thead>
                  <tr>
                    <th>logical date</th>
                    <th>action</th>
                    <th>why</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.map((p) => (
                    <tr key={p.logicalDate} className={`plan-${p.action}`}>
                      <td>
                        <code>{p.logicalDate.replace('T', ' ').replace(/\.000Z$/, 'Z')}</code>
                      </td>
                      <td>{ACTION_WORDS[p.action]}</td>
                      <td className="muted small">{p.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </form>
  );
}
