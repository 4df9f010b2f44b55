'use client';
// Owns the form that creates a silence: the CLI's matchers (a DAG, optionally one task), how
// long ('2h', '30m', '1d') and why; the engine's refusal is shown next to its field.
import { useActionState } from 'react';
import { createSilenceAction, type SilenceFormState } from './actions.ts';

const START: SilenceFormState = {
  error: null,
  field: null,
  created: 0,
  values: { dagId: '', taskId: '', duration: '2h', reason: '' },
};

/** `dagIds`: the DAGs to suggest (the field still takes any id; the engine says when none matches). */
export function SilenceForm({ dagIds }: { readonly dagIds: readonly string[] }) {
  const [state, action, pending] = useActionState(createSilenceAction, START);
  const invalid = (field: SilenceFormState['field']) => (state.field === field ? 'true' : undefined);
  return (
    <form
      action={action}
      className="silence-form"
      aria-label="new silence"
      key={`${state.created}:${state.error ?? ''}`}
    >
      <label>
        DAG
        <input
          name="dagId"
          required
          placeholder="dag id"
          list="silence-dag-ids"
          autoComplete="off"
          defaultValue={state.values.dagId}
          aria-invalid={invalid('dagId')}
        />
        <datalist id="silence-dag-ids">
          {dagIds.map((id) => (
            <option key={id} value={id} />
          ))}
        </datalist>
      </label>
      <label>
        Task (optional)
        <input
          name="taskId"
          placeholder="every task"
          defaultValue={state.values.taskId}
          aria-invalid={invalid('taskId')}
        />
      </label>
      <label>
        For
        <input
          name="duration"
          required
          defaultValue={state.values.duration}
          aria-invalid={invalid('duration')}
        />
      </label>
      <label>
        Reason
        <input
          name="reason"
          required
          placeholder="warehouse maintenance"
          defaultValue={state.values.reason}
          aria-invalid={invalid('reason')}
        />
      </label>
      <button type="submit" disabled={pending}>
        Silence
      </button>
      {state.error ? (
        <p className="field-error" role="alert" style={{ flexBasis: '100%', margin: 0 }}>
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
